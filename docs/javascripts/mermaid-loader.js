// Mermaid, fetched from this site only when a page has a diagram.
//
// Material renders every ```mermaid fence with the global `mermaid`; when there
// is none it fetches mermaid from a CDN. This stands in for the global from the
// start: Material calls initialize() once and render() per diagram, and the
// first render() loads vendor/mermaid/mermaid.min.js (3.6 MB), which replaces
// this stand-in with the real mermaid. Pages without diagrams never load it.
//
// Diagrams below the fold wait until they scroll near the viewport: mermaid costs a phone
// about 3 s of script start-up, which a page whose diagrams are out of sight should not
// pay while it loads (Lighthouse's total blocking time; issue 11). Printing draws them all
// (the tests use the same `beforeprint` event to see every diagram).
//
// A <script> in the page itself would not do: under instant navigation Material
// re-runs such scripts on every visit, creating a fresh mermaid that lacks the
// configuration (theme, fonts) Material gave the first one.
(function () {
  const source = new URL("../vendor/mermaid/mermaid.min.js", document.currentScript.src).href
  let options = {}
  let loaded = null

  function load() {
    loaded = loaded || new Promise(function (resolve, reject) {
      const script = document.createElement("script")
      script.src = source
      script.onload = function () {
        window.mermaid.initialize(options) // the real mermaid, set by the script
        resolve(window.mermaid)
      }
      script.onerror = function () { reject(new Error("could not load " + source)) }
      document.body.appendChild(script)
    })
    return loaded
  }

  // Material calls render(id, text) with the text of a <pre class="mermaid"> still in the
  // page (it replaces the <pre> with the drawing afterwards): find that <pre>.
  const claimed = new WeakSet()
  function fenceOf(text) {
    for (const pre of document.querySelectorAll("pre.mermaid")) {
      if (!claimed.has(pre) && pre.textContent === text) { claimed.add(pre); return pre }
    }
    return null
  }

  // Resolves once `element` is within a screen's height of the viewport, or a print begins.
  let printing = false
  const waiting = []
  window.addEventListener("beforeprint", function () {
    printing = true
    waiting.splice(0).forEach(function (wake) { wake() })
  })
  function nearViewport(element) {
    if (printing || !element || !("IntersectionObserver" in window)) return Promise.resolve()
    return new Promise(function (resolve) {
      const observer = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting })) wake()
      }, { rootMargin: "100% 0px" })
      function wake() { observer.disconnect(); resolve() }
      waiting.push(wake)
      observer.observe(element)
    })
  }

  window.mermaid = {
    initialize: function (config) { options = config },
    render: function (id, text) {
      return nearViewport(fenceOf(text))
        .then(load)
        .then(function (mermaid) { return mermaid.render(id, text) })
    },
  }
})()
