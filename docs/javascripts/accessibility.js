// What Material's pages lack for screen readers and keyboards (issue 11; the axe test
// tests/test_accessibility.py checks each of these on every page):
// - the search box opens a dialog without a name: give it one;
// - a block that scrolls sideways or up and down (a notebook cell, an output) must be
//   reachable by keyboard to be scrolled: give it a place in the tab order.
// Runs on every page Material shows, instant navigation included (document$).
(function () {
  const SCROLLABLE = ".md-typeset pre, .md-typeset pre > code, .highlight-ipynb, .jp-OutputArea-output, .jp-RenderedText"

  function scrolls(element) {
    const style = getComputedStyle(element)
    const overflows = element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight
    return overflows && /(auto|scroll)/.test(style.overflowX + style.overflowY)
  }

  function improve() {
    const search = document.querySelector('[data-md-component="search"][role="dialog"]')
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search this site")
    for (const element of document.querySelectorAll(SCROLLABLE)) {
      if (!element.hasAttribute("tabindex") && scrolls(element)) element.setAttribute("tabindex", "0")
    }
  }

  if (window.document$) window.document$.subscribe(improve)
  else document.addEventListener("DOMContentLoaded", improve)
})()
