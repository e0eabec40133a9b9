// The page's one script: on every page Material shows (its document$ observable, which
// emits at the first load and after each instant navigation), it ends the work of the page
// left and imports only the components this page needs, then runs their init().
//
// A component is an ES module beside this one that exports
//
//   export function init() { ... }    // required: set up what this page holds (it may be
//                                     // called again on a later page; mark what is done,
//                                     // e.g. data-ready, so nothing is set up twice)
//   export function leave() { ... }   // optional: the page is being left; stop its work
//
// and talks to Python only through `import { session } from "./runtime.js"`, which starts
// the page's one worker at the first job, never before. To add one, write the module and
// add a line to COMPONENTS: the selector that says a page needs it, and its file. A module
// is fetched once, at the first page that needs it, and kept for the pages after.

import * as accessibility from "./accessibility.js"
import "./runtime.js" // small, and it starts nothing: its handle for tests is there on every page from load

// In order: a component's init() runs after those above it (the stepper joins the bar that
// runner.js makes).
const COMPONENTS = [
  ["[data-runnable]", "./runner.js"],
  ["[data-runnable]", "./stepper.js"],
  ["[data-exercise]", "./exercises.js"],
  ["[data-quiz]", "./quiz.js"],
  ["[data-figure]", "./figures.js"],
]

const loaded = new Set() // the modules imported so far: their leave() runs at every page change
let view = 0 // which page view this is: an import that lands after the next one is not used here

async function show() {
  const mine = ++view
  for (const module of loaded) {
    try { if (module.leave) module.leave() } catch (error) { console.error(error) }
  }
  accessibility.init()
  const needed = COMPONENTS.filter(([selector]) => document.querySelector(selector))
  const modules = await Promise.all(needed.map(([, file]) => import(file).catch((error) => {
    console.error(error) // one component that fails to load leaves the others working
    return null
  })))
  if (mine !== view) return // the reader has moved on: the newer view sets its page up
  for (const module of modules) {
    if (!module) continue
    loaded.add(module)
    try { module.init() } catch (error) { console.error(error) }
  }
}

window.document$.subscribe(show)
