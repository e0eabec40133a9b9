// The editable code block: a page's runnable blocks (runner.js: Run) and the exercises
// (exercises.js: Check) are both this component, an editor and a bar of buttons:
//
//   const block = editableBlock(code, {action: "Run", label, key, onRun, onStop, onReset, ...})
//   place(block.bar)                  // the caller puts the bar where it belongs
//   block.busy(true, "Running…")      // action disabled, Stop shown (and focused if the action was)
//   block.busy(false, "Done.")        // back again (focus returns to the action from Stop)
//   block.failed("Python could not be loaded…")   // not busy, with a Retry
//   block.editor.text                 // the code as the reader has it now
//
// The editor: Tab indents (Esc, then Tab, leaves it), Ctrl/Cmd+Enter calls onRun, Ctrl/Cmd+Z
// right after Reset brings back what Reset replaced, and the reader's text is kept in
// localStorage under `key` until Reset. Where contentEditable = "plaintext-only" is missing
// (Firefox before 136) the editor is a <textarea> in place of the highlighted code.

import { el } from "./dom.js"

/** A button of a block's bar. `title` is a tooltip: the accessible name stays `label`. */
export function button(label, title, onClick) {
  const b = el("button", { type: "button", class: "run-button", text: label })
  if (title) b.title = title
  if (onClick) b.addEventListener("click", onClick)
  return b
}

/**
 * The code in a <code> element as plain text. textContent, not innerText: the line spans
 * would count each newline twice; an Enter typed in some browsers becomes a <br>.
 */
export function textOf(code) {
  const copy = code.cloneNode(true)
  for (const br of copy.querySelectorAll("br")) br.replaceWith("\n")
  return copy.textContent.replace(/\n$/, "")
}

function supportsPlaintextOnly() {
  try {
    const probe = document.createElement("div")
    probe.contentEditable = "plaintext-only" // throws where it is not supported
    return probe.contentEditable === "plaintext-only"
  } catch (error) {
    return false
  }
}

function storage() {
  try { return window.localStorage } catch (error) { return null }
}

/** The editor over a block's <code>: {target, text, edited, original, reset()}. */
export function editable(code, { label, key, onRun }) {
  const original = code.innerHTML
  const originalText = textOf(code)
  let target = code
  let area = null
  if (supportsPlaintextOnly()) {
    code.contentEditable = "plaintext-only"
  } else {
    area = el("textarea", { class: "run-editor", rows: originalText.split("\n").length + 1, wrap: "off" })
    area.value = originalText
    code.closest("pre").hidden = true
    code.closest("pre").after(area)
    target = area
  }
  target.spellcheck = false
  target.setAttribute("role", "textbox")
  target.setAttribute("aria-multiline", "true")
  target.setAttribute("aria-label", label + " Tab indents; press Esc, then Tab, to leave the editor.")

  let escaped = false
  let undoReset = null
  const editor = {
    target,
    get text() { return area ? area.value : textOf(code) },
    set text(value) {
      if (area) area.value = value
      else code.textContent = value
    },
    get edited() { return editor.text !== originalText },
    original: originalText,
    reset() {
      undoReset = editor.edited ? editor.text : null
      if (area) area.value = originalText
      else code.innerHTML = original
      save()
    },
  }

  function save() {
    const store = storage()
    if (!store || !key) return
    try {
      if (editor.edited) store.setItem(key, editor.text)
      else store.removeItem(key)
    } catch (error) { /* storage full or refused: the edit stays on the page only */ }
  }

  target.addEventListener("keydown", (event) => {
    const mod = event.ctrlKey || event.metaKey
    if (event.key === "Enter" && mod) {
      event.preventDefault()
      onRun()
    } else if (event.key === "Escape") {
      escaped = true
      return
    } else if (event.key === "Tab" && !mod && !event.altKey && !event.shiftKey && !escaped) {
      event.preventDefault()
      document.execCommand("insertText", false, "    ")
    } else if ((event.key === "z" || event.key === "Z") && mod && !event.shiftKey && undoReset !== null && !editor.edited) {
      event.preventDefault()
      editor.text = undoReset
      undoReset = null
      save()
    }
    escaped = false
  })
  target.addEventListener("input", () => {
    undoReset = null
    save()
  })
  const store = storage()
  const saved = store && key ? store.getItem(key) : null
  if (saved !== null && saved !== originalText) editor.text = saved
  return editor
}

/**
 * An editor over `code` and its bar: the action button (Run or Check), Stop, Reset, a status
 * line and a Retry. Options: action, label and key (the editor's), titles {action, stop,
 * reset}, barClass, onRun (the action, Ctrl+Enter and Retry), onStop, onReset.
 */
export function editableBlock(code, { action, label, key, titles, barClass, onRun, onStop, onReset }) {
  const editor = editable(code, { label, key, onRun })
  const run = button(action, titles.action, onRun)
  const stop = button("Stop", titles.stop, onStop)
  stop.hidden = true
  const reset = button("Reset", titles.reset, () => {
    if (!stop.hidden) onStop()
    editor.reset()
    retry.hidden = true
    busy(false, "")
    onReset()
  })
  const status = el("span", { class: "run-status", role: "status" })
  const retry = button("Retry", "Try to load Python again", onRun)
  retry.hidden = true
  const bar = el("div", { class: barClass ? "run-bar " + barClass : "run-bar" }, [run, stop, reset, status, retry])

  function busy(running, message) {
    const focused = document.activeElement
    run.disabled = running
    stop.hidden = !running
    if (running) retry.hidden = true
    status.textContent = message
    if (running && (focused === run || focused === retry)) stop.focus()
    if (!running && focused === stop) run.focus()
  }

  function failed(message) {
    busy(false, message)
    retry.hidden = false
  }

  return { editor, bar, run, stop, reset, status, retry, busy, failed }
}
