// Fetches figures.js (the live figures, about 25 KB) on pages that have one; other pages load
// nothing for them. figures.js draws each figure's first frame from the page itself, and
// starts Python only when the reader touches a figure. On every page view, including
// Material's instant navigation, it also ends the work of the figures of the page left.
(function () {
  const source = new URL("figures.js", document.currentScript.src).href
  document$.subscribe(function () {
    if (window.MicrogptFigures) return window.MicrogptFigures.init()
    if (!document.querySelector("[data-figure]")) return
    if (document.querySelector('script[src="' + source + '"]')) return
    document.head.append(Object.assign(document.createElement("script"), { src: source }))
  })
})()
