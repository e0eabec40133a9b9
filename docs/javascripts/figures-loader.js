// Fetches figures.js (the live figures) on pages that have one, and only once a figure is
// seen or touched: a page nobody touches loads nothing for them. Listed in mkdocs.yml,
// because Material's instant navigation drops scripts from the content it swaps in.
(function () {
  const source = new URL("figures.js", document.currentScript.src).href
  function load() {
    if (window.MicrogptFigures) return window.MicrogptFigures.init()
    if (document.querySelector('script[src="' + source + '"]')) return
    document.head.append(Object.assign(document.createElement("script"), { src: source }))
  }
  document$.subscribe(function () {
    const figures = document.querySelectorAll("[data-figure]")
    if (!figures.length) return
    if (window.MicrogptFigures) return window.MicrogptFigures.init()
    const seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting })) { seen.disconnect(); load() }
    }, { rootMargin: "100px" })
    figures.forEach(function (figure) {
      seen.observe(figure)
      figure.addEventListener("focusin", load, { once: true })
      figure.addEventListener("pointerdown", load, { once: true })
    })
  })
})()
