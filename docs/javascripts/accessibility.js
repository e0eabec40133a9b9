// What Material's pages lack for screen readers and keyboards (the axe test
// tests/test_accessibility.py checks each of these on every page):
// - the search box opens a dialog without a name: give it one;
// - a block that scrolls sideways or up and down (a notebook cell, an output) must be
//   reachable by keyboard to be scrolled: give it a place in the tab order.
// loader.js runs init() on every page Material shows, instant navigation included.

const SCROLLABLE = ".md-typeset pre, .md-typeset pre > code, .highlight-ipynb, .jp-OutputArea-output, .jp-RenderedText"

function scrolls(element) {
  const style = getComputedStyle(element)
  if (!/(auto|scroll)/.test(style.overflowX + style.overflowY)) return false
  return element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight
}

// Measuring a block lays it out: off screen, the browser had skipped that (extra.css,
// content-visibility), so the blocks are measured a few at a time while the page is idle,
// not all in one long task at load: at most about 40 ms of each idle moment (a
// task under 50 ms blocks nothing). The page's content says when all are measured
// (data-scrollables-checked): tests/test_accessibility.py waits for it before axe runs.
const idle = window.requestIdleCallback
  ? function (step) { requestIdleCallback(step, { timeout: 1000 }) }
  : function (step) { setTimeout(function () { step({ timeRemaining: function () { return 10 }, didTimeout: false }) }, 1) }

/** Names the search dialog and gives the page's scrollable blocks a tab stop, while idle. */
export function init() {
  const search = document.querySelector('[data-md-component="search"][role="dialog"]')
  if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search this site")
  const pending = Array.from(document.querySelectorAll(SCROLLABLE)).filter(function (element) {
    return !element.hasAttribute("tabindex")
  })
  const content = document.querySelector("[data-md-component=content]") || document.body
  idle(function step(deadline) {
    let done = 0
    while (pending.length && (deadline.timeRemaining() > 12 || done === 0)) {
      const element = pending.shift()
      if (element.isConnected && scrolls(element)) element.setAttribute("tabindex", "0")
      done += 1
    }
    if (pending.length) idle(step)
    else content.setAttribute("data-scrollables-checked", "")
  })
}

