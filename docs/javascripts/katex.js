// KaTeX, fetched from this site only when a page has maths.
//
// pymdownx.arithmatex (generic mode) leaves $...$ and $$...$$ as \(...\) and
// \[...\] in elements of class "arithmatex"; notebook pages keep the dollars in
// their markdown cells. On every page Material shows, including pages reached by
// instant navigation (document$ emits again), this looks for maths and, if there
// is any, loads KaTeX's stylesheet and scripts once and renders the page's maths.
(function () {
  const base = new URL("../vendor/katex/", document.currentScript.src).href
  let loaded = null

  // Appended to <body>: on each instant navigation Material removes from <head>
  // whatever the next page's <head> does not have, which would drop the stylesheet.
  function add(tag, attributes) {
    return new Promise(function (resolve, reject) {
      const el = document.createElement(tag)
      Object.assign(el, attributes)
      el.onload = resolve
      el.onerror = function () { reject(new Error("could not load " + (el.src || el.href))) }
      document.body.appendChild(el)
    })
  }

  function load() {
    // auto-render needs katex to be defined when it runs, hence the order.
    loaded = loaded || Promise.all([
      add("link", { rel: "stylesheet", href: base + "katex.min.css" }),
      add("script", { src: base + "katex.min.js" })
        .then(function () { return add("script", { src: base + "contrib/auto-render.min.js" }) }),
    ])
    return loaded
  }

  function hasMaths(content) {
    if (content.querySelector(".arithmatex")) return true
    return Array.from(content.querySelectorAll(".jp-MarkdownOutput"))
      .some(function (cell) { return /\$|\\\(|\\\[/.test(cell.textContent) })
  }

  document$.subscribe(function () {
    const content = document.querySelector("[data-md-component=content]") || document.body
    if (!hasMaths(content)) return
    load().then(function () {
      // Search highlighting wraps the matched word in <mark>, even inside LaTeX source
      // ("\mathrm{softmax}"): unwrap it there, or KaTeX sees broken maths and skips it.
      content.querySelectorAll(".arithmatex mark[data-md-highlight]").forEach(function (m) {
        m.replaceWith(m.textContent)
      })
      content.querySelectorAll(".arithmatex").forEach(function (el) { el.normalize() })
      renderMathInElement(content, {
        delimiters: [
          { left: "$$", right: "$$", display: true },
          { left: "$", right: "$", display: false },
          { left: "\\(", right: "\\)", display: false },
          { left: "\\[", right: "\\]", display: true },
        ],
      })
    })
  })
})()
