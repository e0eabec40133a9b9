// The stepper: step through a block, and the package's own lines it calls, forward and back,
// with the values of the variables after each line.
//
// A Step button joins each runnable block's Run bar (runner.js makes the bar: init after it).
// Pressing it records the block in the page's Python worker (docsite/live/stepper.py, record():
// every line of the block and of the package, with the locals after it, up to a budget) and
// opens a player under the block. The recording is read here as that file describes it; this
// file only walks it.
//
// HTML contract, kept for tests: a [data-runnable] block that can be stepped holds a button named
// "Step"; the player is [data-stepper], with buttons named "Back over", "Back", "Step", "Step over"
// and "Step out" and a range input (the scrubber); the line just run carries
// data-step-line="FILE:LINE" (a package file such as microgpt/model.py, or <block>); the element
// [data-step-locals] lists the locals, one "name = value" per row (a changed one has data-changed).

import { button as barButton } from "./blocks.js"
import { el } from "./dom.js"
import { blockText } from "./runner.js"
import { session } from "./runtime.js"

const BUDGET = 50000 // steps recorded at most: about 1 MB of JSON for 4,400 steps of gpt()
const RECORD_TIMEOUT_MS = 120000

function description() {
  const holder = document.getElementById("runnable-fences")
  return holder ? JSON.parse(holder.dataset.description) : []
}

function pyString(text) {
  return JSON.stringify(text) // a JSON string is a valid Python string literal
}

function button(name, title) {
  const b = barButton(name, title)
  b.classList.add("step-button")
  return b
}

// --- What a recording says at step i --------------------------------------------------

// frame[i]: which call step i belongs to (calls are numbered as they start); parent[i]: the
// step of the caller that was running when step i's call started (-1 at the top).
function index(steps) {
  const frame = new Array(steps.length)
  const parent = new Array(steps.length)
  const open = [] // per depth: {frame, caller step}
  let calls = 0
  steps.forEach(function (step, i) {
    open.length = Math.min(open.length, step.depth + 1)
    const top = open[step.depth]
    const fresh = !top || "returned" in steps[top.last] // none open at this depth, or it returned
    if (fresh) {
      let caller = -1
      for (let j = i - 1; j >= 0; j--) if (steps[j].depth < step.depth) { caller = j; break }
      open[step.depth] = { frame: calls++, caller }
    }
    open[step.depth].last = i
    frame[i] = open[step.depth].frame
    parent[i] = open[step.depth].caller
  })
  return { frame, parent }
}

function localsAt(recording, i) {
  const { steps, frame } = recording
  const shown = new Map()
  for (let j = 0; j <= i; j++) {
    if (frame[j] !== frame[i]) continue
    for (const [name, value] of Object.entries(steps[j].locals)) shown.set(name, value)
  }
  return shown
}

function stackAt(recording, i) {
  const stack = []
  for (let j = i; j >= 0; j = recording.parent[j]) stack.push(recording.steps[j])
  return stack
}

// The lines of the function a step is in, with its first line number: the def line above it
// with less indent, down to the last line indented more than the def.
function functionLines(source, line) {
  const lines = source.split("\n")
  let start = line - 1
  while (start > 0 && !/^\s*def \w/.test(lines[start])) start--
  if (!/^\s*def \w/.test(lines[start])) return { first: 1, lines }
  const indent = lines[start].match(/^\s*/)[0].length
  let end = start + 1
  while (end < lines.length && (lines[end].trim() === "" || lines[end].match(/^\s*/)[0].length > indent)) end++
  while (end > start + 1 && lines[end - 1].trim() === "") end--
  return { first: start + 1, lines: lines.slice(start, end) }
}

// --- The player ---------------------------------------------------------------------

class Player {
  constructor(block, recording, arithmetic, onArithmetic) {
    Object.assign(recording, index(recording.steps))
    this.block = block
    this.recording = recording
    this.at = 0
    const steps = recording.steps.length
    const first = recording.truncated ? `recorded the first ${steps.toLocaleString("en-US")} steps` :
      `${steps.toLocaleString("en-US")} steps recorded`
    this.summary = el("p", { class: "step-summary",
      text: steps ? first : "Nothing to step through: no line of the block or the package ran." })
    this.controls = el("div", { class: "step-controls" })
    const moves = [["Back over", "Back to the previous line at this level"], ["Back", "Back one line"],
      ["Step", "Forward one line"], ["Step over", "Forward to the next line at this level"],
      ["Step out", "Forward until this function returns"]]
    for (const [name, label] of moves) {
      const b = button(name, label)
      b.addEventListener("click", () => this.move(name))
      this.controls.append(b)
    }
    this.scrubber = el("input", { type: "range", min: 0, max: Math.max(0, steps - 1), value: 0,
      class: "step-scrubber", "aria-label": "Step of the recording" })
    this.scrubber.addEventListener("input", () => this.show(Number(this.scrubber.value)))
    this.controls.append(this.scrubber)
    this.position = el("span", { class: "step-position", "aria-live": "polite" })
    const box = el("input", { type: "checkbox" })
    box.checked = arithmetic
    box.addEventListener("change", () => onArithmetic(box.checked)) // records again, with or without them
    const into = el("label", { class: "step-arithmetic" }, [box, " step into Value's arithmetic too (+, *, log...)"])
    this.controls.append(into, this.position)
    this.source = el("pre", { class: "step-source", role: "region",
      "aria-label": "The code around the line just run; click a line to run to it" })
    this.source.addEventListener("click", (event) => {
      const line = event.target.closest("[data-line]")
      if (line) this.runTo(line.dataset.file, Number(line.dataset.line))
    })
    this.stack = el("ol", { class: "step-stack", "aria-label": "Call stack, innermost first" })
    this.locals = el("ul", { class: "step-locals", "data-step-locals": "",
      "aria-label": "Variables after the line just run" })
    const panes = el("div", { class: "step-panes" },
      [this.source, el("div", { class: "step-state" }, [this.stack, this.locals])])
    this.element = el("div", { class: "stepper", "data-stepper": "", role: "region", tabindex: -1,
      "aria-label": "Stepping through the code: arrow keys step, Shift with them steps over" },
    [this.summary, this.controls, panes])
    this.element.addEventListener("keydown", (event) => this.key(event))
    this.shownFile = null
    if (steps) this.show(0)
  }

  key(event) {
    if (event.target === this.scrubber) return // the range input steps by itself
    const moves = { ArrowRight: event.shiftKey ? "Step over" : "Step", ArrowLeft: event.shiftKey ? "Back over" : "Back" }
    if (moves[event.key]) {
      event.preventDefault()
      this.move(moves[event.key])
    }
  }

  move(name) {
    const steps = this.recording.steps
    const i = this.at
    const depth = steps[i] ? steps[i].depth : 0
    const last = steps.length - 1
    // the first step after (or before) this one that passes the test; else the end (the start)
    const forward = (test) => { for (let j = i + 1; j <= last; j++) if (test(steps[j])) return j; return last }
    const backward = (test) => { for (let j = i - 1; j >= 0; j--) if (test(steps[j])) return j; return 0 }
    const targets = {
      "Step": () => Math.min(i + 1, last),
      "Back": () => Math.max(i - 1, 0),
      "Step over": () => forward((s) => s.depth <= depth),
      "Back over": () => backward((s) => s.depth <= depth),
      "Step out": () => forward((s) => s.depth < depth),
    }
    if (last >= 0) this.show(targets[name]())
  }

  runTo(file, line) {
    const steps = this.recording.steps
    for (let j = this.at + 1; j < steps.length; j++) {
      if (steps[j].file === file && steps[j].line === line) return this.show(j)
    }
    this.position.textContent = `Line ${line} does not run again in this recording.`
  }

  show(i) {
    const recording = this.recording
    const step = recording.steps[i]
    const previous = this.at
    this.at = i
    this.scrubber.value = i
    this.position.textContent = `Step ${(i + 1).toLocaleString("en-US")} of ${recording.steps.length.toLocaleString("en-US")}: ` +
      `${step.function}(), line ${step.line}${step.file === "<block>" ? " of the block" : " of " + step.file}`
    this.drawSource(step)
    this.drawStack(i)
    this.drawLocals(i, previous)
  }

  // The line just run, also marked in the block's own code when it is one of the block's
  // lines: a CSS highlight over a Range, so the editor's DOM is left as it is.
  markBlockLine(step) {
    if (!window.CSS || !CSS.highlights) return
    CSS.highlights.delete("step-line")
    const code = this.block.querySelector("code")
    if (step.file !== "<block>" || !code || this.block.querySelector("textarea.run-editor")) return
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT)
    const range = document.createRange()
    let line = 1
    let started = false
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let k = 0; k <= node.data.length; k++) {
        if (!started && line === step.line) { range.setStart(node, k); started = true }
        if (k === node.data.length) break
        if (node.data[k] === "\n") {
          if (started) { range.setEnd(node, k); CSS.highlights.set("step-line", new Highlight(range)); return }
          line++
        }
      }
    }
    if (started) {
      range.setEndAfter(code.lastChild)
      CSS.highlights.set("step-line", new Highlight(range))
    }
  }

  drawSource(step) {
    this.markBlockLine(step)
    const recording = this.recording
    const source = recording.files[step.file]
    const part = step.file === "<block>" ? { first: 1, lines: source.split("\n") } : functionLines(source, step.line)
    const key = step.file + ":" + part.first
    if (this.shownFile !== key) {
      this.shownFile = key
      this.source.replaceChildren()
      this.source.append(el("span", { class: "step-file", text: step.file === "<block>" ? "this block" : step.file }), "\n")
      part.lines.forEach((text, k) => this.source.append(el("span", { class: "step-line", "data-file": step.file,
        "data-line": part.first + k, text: String(part.first + k).padStart(4) + "  " + text + "\n" })))
    }
    const old = this.source.querySelector("[data-step-line]")
    if (old) old.removeAttribute("data-step-line")
    const current = this.source.querySelector(`[data-line="${step.line}"]`)
    if (current) {
      current.setAttribute("data-step-line", step.file + ":" + step.line)
      const box = this.source
      const top = current.offsetTop - box.offsetTop
      if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - current.offsetHeight) {
        box.scrollTop = Math.max(0, top - box.clientHeight / 2)
      }
    }
  }

  drawStack(i) {
    this.stack.replaceChildren(...stackAt(this.recording, i).map((step) =>
      el("li", { text: `${step.function}()  ${step.file === "<block>" ? "the block" : step.file}:${step.line}` })))
  }

  drawLocals(i, previous) {
    const step = this.recording.steps[i]
    const shown = localsAt(this.recording, i)
    const rows = []
    for (const [name, value] of shown) {
      const changed = name in step.locals && previous !== i
      rows.push(el("li", { text: `${name} = ${value}`, ...(changed ? { "data-changed": "" } : {}) }))
    }
    if ("returned" in step) {
      rows.push(el("li", { text: `returned = ${step.returned}`, "data-changed": "" }))
    }
    this.locals.replaceChildren(...rows)
  }
}

// --- The Step button --------------------------------------------------------------------

function attach(block, runnable, page) {
  if (block.querySelector(".step-start")) return
  const start = button("Step", "Step through this block line by line")
  start.classList.add("step-start")
  const status = el("span", { class: "step-status", "aria-live": "polite" })
  const bar = block.querySelector(".run-bar") || block.appendChild(el("div", { class: "run-bar" }))
  bar.append(start, status)
  let player = null
  let recording = false
  let arithmetic = false // record Value's own operators too (the reader asked to step into them)
  async function record() {
    const python = session()
    if (recording) return python.stop("stepper")
    recording = true
    start.textContent = "Stop recording"
    status.textContent = "Recording..."
    if (player) player.element.remove()
    // the block and those it continues from as their editors hold them, as Run runs them
    const before = runnable.chain.map((k) => blockText(k) ?? page[k].code)
    const code = "from docsite.live import stepper\nstepper.record(" + pyString(blockText(runnable.index) ?? runnable.code) + ", start=" +
      (runnable.step ? pyString(runnable.step) : "None") + ", budget=" + BUDGET + ", max_depth=" +
      (runnable.step_depth === null || runnable.step_depth === undefined ? "None" : runnable.step_depth) +
      ", into_arithmetic=" + (arithmetic ? "True" : "False") + ", before=[" + before.map(pyString).join(", ") + "])"
    try {
      const made = await python.call(code, { owner: "stepper", trusted: false, timeout: RECORD_TIMEOUT_MS })
      player = new Player(block, made, arithmetic, (into) => { arithmetic = into; record() })
      block.after(player.element) // outside the block: its own buttons stay the block's only Step
      status.textContent = ""
      player.element.querySelector(".step-controls button:nth-child(3)").focus()
    } catch (error) {
      status.textContent = error.stopped ? "Stopped." : (error.message || String(error)).split("\n").slice(-1)[0]
    } finally {
      recording = false
      start.textContent = "Step"
    }
  }
  start.addEventListener("click", record)
}

/** The page left: a recording still running ends. */
export function leave() {
  session().stop("stepper")
}

/** Adds a Step button to each runnable block of the page. */
export function init() {
  const page = description()
  document.querySelectorAll("[data-runnable]").forEach((block) => {
    const runnable = page[Number(block.dataset.runnable)]
    if (runnable) attach(block, runnable, page)
  })
}
