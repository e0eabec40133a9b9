// Run, edit and reset the Python blocks of a page, in the page.
//
// docsite/runnables.py marks each runnable block with data-runnable="N" and puts the page's
// description (code, chain, expected output) as JSON in #runnable-fences; this makes each an
// editable block (blocks.js) with Run, and runs it the way the tests do: in a fresh
// namespace, after the blocks it continues from (as they stand in their editors now), in the
// page's one Python worker (runtime.js).
//
// The HTML contract, kept for tests: [data-runnable] holds a button named "Run"; its
// data-run-state becomes "running", then "done" or "error"; what the block printed goes into
// its [data-run-output] element (the last SHOWN_CHARS characters, after a line that says how
// many more there were).

import { editableBlock } from "./blocks.js"
import { el } from "./dom.js"
import { sameOutput } from "./outputs.js"
import { session } from "./runtime.js"

const SHOWN_CHARS = 50_000
let blocks = [] // this page's blocks by index: {element, runnable, editor, controls, output, generation}

/** The code of the page's block `index` as the reader has it now (null if it has no editor). */
export function blockText(index) {
  const block = blocks[index]
  return block ? block.editor.text : null
}

// What a run printed, bounded: the last SHOWN_CHARS characters in one text node, after a
// line saying how many came before them; drawn at most once a frame.
function outputBox(box) {
  const note = el("span", { class: "run-cut" })
  const text = document.createTextNode("")
  box.replaceChildren(note, text)
  let kept = ""
  let cut = 0
  let drawing = 0
  function draw() {
    drawing = 0
    text.data = kept
    note.textContent = cut ? `… ${cut.toLocaleString("en-US")} more characters not shown\n` : ""
  }
  return {
    add(more, dropped) {
      kept += more
      cut += dropped || 0
      if (kept.length > SHOWN_CHARS) {
        cut += kept.length - SHOWN_CHARS
        kept = kept.slice(-SHOWN_CHARS)
      }
      if (!drawing) drawing = requestAnimationFrame(draw)
    },
    finish() {
      if (drawing) cancelAnimationFrame(drawing)
      draw()
    },
    get printed() { return kept },
    get cut() { return cut },
  }
}

function firstLine(text) {
  const line = text.split("\n").find((l) => l.trim()) || ""
  return line.length > 60 ? line.slice(0, 59) + "…" : line
}

function setup(description) {
  blocks = []
  const elements = Array.from(document.querySelectorAll("[data-runnable]"))
  for (const element of elements) {
    const runnable = description[Number(element.dataset.runnable)]
    const code = element.querySelector("pre > code")
    if (!runnable || !code || element.dataset.runReady) continue
    element.dataset.runReady = "true"
    const block = { element, runnable, generation: 0 }
    blocks[runnable.index] = block
    block.controls = editableBlock(code, {
      action: "Run",
      label: `Python code, block ${runnable.index + 1} of ${elements.length} on this page: editable. Ctrl+Enter runs it.`,
      key: `microgpt-edit:${location.pathname}:${runnable.index}`,
      titles: {
        action: "Run this code in your browser (Ctrl+Enter)",
        stop: "Stop the running code",
        reset: "Bring back the page's code and clear its result (Ctrl+Z in the code undoes it)",
      },
      onRun: () => run(block),
      onStop: () => session().stop("block"),
      onReset: () => {
        block.generation += 1
        clear(block)
      },
    })
    block.editor = block.controls.editor
    block.output = el("pre", {
      class: "run-output", "data-run-output": "", tabindex: 0,
      role: "region", // a <pre> may carry a name only with a role (axe: aria-prohibited-attr)
      "aria-label": "What the code printed in your browser",
    })
    block.output.hidden = true
    element.append(block.controls.bar, block.output)
  }
}

function clear(block) {
  block.output.replaceChildren()
  block.output.hidden = true
  delete block.element.dataset.runMatch
  delete block.element.dataset.runState
}

function setState(block, state, message) {
  block.element.dataset.runState = state
  block.controls.busy(state === "running", message)
}

async function run(block) {
  const generation = ++block.generation
  const python = session()
  const started = performance.now()
  const shown = outputBox(block.output)
  block.output.hidden = false
  delete block.element.dataset.runMatch
  setState(block, "running", python.worker && python.ready ? "Running…"
    : "Starting Python in your browser (the first time takes a few seconds)…")
  const chain = block.runnable.chain.map((index) => blocks[index])
  const code = block.editor.text
  const trusted = !block.editor.edited && chain.every((earlier) => !earlier || !earlier.editor.edited)
  const result = await python.run(code, {
    owner: "block", replace: true, priority: "high", trusted, namespace: "page", reset: true,
    before: chain.map((earlier) => (earlier ? earlier.editor.text : "")),
    onStdout: (text, dropped) => { if (block.generation === generation) shown.add(text, dropped) },
  })
  if (block.generation !== generation) return // a newer Run or a Reset of this block took over
  shown.finish()
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  if (!result.ok) {
    if (result.loadFailed) {
      block.output.hidden = true
      block.element.dataset.runState = "error"
      block.controls.failed(result.traceback)
      return
    }
    const earlier = result.failedAt >= 0 ? chain[result.failedAt] : null
    const text = earlier
      ? `The block this one continues from (the one starting “${firstLine(earlier.editor.text)}”) raised:\n\n${result.traceback}`
      : result.traceback
    shown.add(shown.printed && !shown.printed.endsWith("\n") ? "\n" + text : text)
    shown.finish()
    setState(block, "error", result.stopped ? "Stopped."
      : result.fatal ? "Python was restarted."
        : earlier ? "Error in an earlier block." : `Raised an exception (${seconds} s).`)
    return
  }
  const expected = block.runnable.output
  let note = `Done in ${seconds} s.`
  if (expected !== null) {
    const same = !shown.cut && sameOutput(expected, shown.printed)
    block.element.dataset.runMatch = same
    note += same ? " Same as the page's output below."
      : !trusted ? " Differs from the page's output below: the code is yours now."
        : " Differs from the page's output below, though the code is the page's: the tests check" +
          " that it never does, so this is a bug of the site."
  }
  if (!shown.printed && !shown.cut) {
    block.output.hidden = true
    note += " It printed nothing."
  }
  setState(block, "done", note)
}

/** The page left: its blocks' runs end. */
export function leave() {
  session().stop("block")
  blocks = []
}

/** Gives each [data-runnable] block of the page its editor and Run bar. */
export function init() {
  const description = document.getElementById("runnable-fences")
  if (description) setup(JSON.parse(description.dataset.description))
}
