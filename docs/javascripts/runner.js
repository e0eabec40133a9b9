// Run, edit and reset the Python blocks of a page, in the page.
//
// docsite/fences.py marks each runnable block with data-runnable="N" and puts the page's
// description (code, chain, expected output) as JSON in #runnable-fences; this adds the
// controls and runs a block the way the tests do: in a fresh namespace, after the blocks it
// continues from (as they stand in their editors now), in the page's one Python worker
// (MicrogptRuntime, runtime.js).
//
// The HTML contract, kept for tests: [data-runnable] holds a button named "Run"; its
// data-run-state becomes "running", then "done" or "error"; what the block printed goes into
// its [data-run-output] element (the last SHOWN_CHARS characters, after a line that says how
// many more there were).
//
// MicrogptRunner.editable(code, options) is the editor that blocks and exercises share.
(function () {
  if (window.MicrogptRunner) return
  const SHOWN_CHARS = 50_000
  let blocks = [] // this page's blocks, {element, editor, runnable, ...}

  function session() {
    return window.MicrogptRuntime.session()
  }

  function button(label, title, onClick) {
    const b = document.createElement("button")
    b.type = "button"
    b.className = "run-button"
    b.textContent = label
    if (title) b.title = title
    b.addEventListener("click", onClick)
    return b
  }

  // The code in a <code> element as plain text. textContent, not innerText: the line spans
  // would count each newline twice; an Enter typed in some browsers becomes a <br>.
  function textOf(code) {
    const copy = code.cloneNode(true)
    for (const br of copy.querySelectorAll("br")) br.replaceWith("\n")
    return copy.textContent.replace(/\n$/, "")
  }

  // Firefox before version 136 throws on contentEditable = "plaintext-only": there the editor
  // is a <textarea> in place of the highlighted code.
  const plaintextOnly = (function () {
    try {
      const probe = document.createElement("div")
      probe.contentEditable = "plaintext-only"
      return probe.contentEditable === "plaintext-only"
    } catch (error) {
      return false
    }
  })()

  function storage() {
    try { return window.localStorage } catch (error) { return null }
  }

  // An editable code block: Tab indents (Esc, then Tab, leaves it), Ctrl/Cmd+Enter calls
  // onRun, Ctrl/Cmd+Z right after reset() brings back what reset() replaced, and the text is
  // kept in localStorage under `key` until reset().
  function editable(code, { label, key, onRun }) {
    const original = code.innerHTML
    const originalText = textOf(code)
    let target = code
    let area = null
    if (plaintextOnly) {
      code.contentEditable = "plaintext-only"
    } else {
      area = document.createElement("textarea")
      area.className = "run-editor"
      area.value = originalText
      area.rows = originalText.split("\n").length + 1
      area.wrap = "off"
      code.closest("pre").hidden = true
      code.closest("pre").after(area)
      target = area
    }
    target.spellcheck = false
    target.setAttribute("role", "textbox")
    target.setAttribute("aria-multiline", "true")
    target.setAttribute("aria-label", label + " Tab indents; press Esc, then Tab, to leave the editor.")

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
    let escaped = false
    let undoReset = null

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

  // What a run printed, bounded: the last SHOWN_CHARS characters in one text node, after a
  // line saying how many came before them; drawn at most once a frame.
  function outputBox(block) {
    const box = block.output
    const note = document.createElement("span")
    note.className = "run-cut"
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
      block.editor = editable(code, {
        label: `Python code, block ${runnable.index + 1} of ${elements.length} on this page: editable. Ctrl+Enter runs it.`,
        key: `microgpt-edit:${location.pathname}:${runnable.index}`,
        onRun: () => run(block),
      })

      const bar = document.createElement("div")
      bar.className = "run-bar"
      block.runButton = button("Run", "Run this code in your browser (Ctrl+Enter)", () => run(block))
      block.stopButton = button("Stop", "Stop the running code", () => session().stop("block"))
      block.stopButton.hidden = true
      const reset = button("Reset", "Bring back the page's code and clear its result (Ctrl+Z in the code undoes it)", () => {
        if (block.element.dataset.runState === "running") session().stop("block")
        block.generation += 1
        block.editor.reset()
        clear(block)
      })
      block.status = document.createElement("span")
      block.status.className = "run-status"
      block.status.setAttribute("role", "status")
      block.retry = button("Retry", "Try to load Python again", () => run(block))
      block.retry.hidden = true
      bar.append(block.runButton, block.stopButton, reset, block.status, block.retry)

      block.output = document.createElement("pre")
      block.output.className = "run-output"
      block.output.setAttribute("data-run-output", "")
      block.output.tabIndex = 0
      block.output.setAttribute("role", "region") // a <pre> may carry a name only with a role (axe: aria-prohibited-attr)
      block.output.setAttribute("aria-label", "What the code printed in your browser")
      block.output.hidden = true
      element.append(bar, block.output)
    }
  }

  function clear(block) {
    block.output.replaceChildren()
    block.output.hidden = true
    delete block.element.dataset.runMatch
    delete block.element.dataset.runState
    block.runButton.disabled = false
    block.stopButton.hidden = true
    block.retry.hidden = true
    block.status.textContent = ""
  }

  function setState(block, state, message) {
    const stopHadFocus = document.activeElement === block.stopButton
    block.element.dataset.runState = state
    block.runButton.disabled = state === "running"
    block.stopButton.hidden = state !== "running"
    block.status.textContent = message
    if (state !== "running" && stopHadFocus) block.runButton.focus()
  }

  async function run(block) {
    const generation = ++block.generation
    const python = session()
    const fromButton = document.activeElement === block.runButton || document.activeElement === block.retry
    const started = performance.now()
    const shown = outputBox(block)
    block.output.hidden = false
    block.retry.hidden = true
    delete block.element.dataset.runMatch
    setState(block, "running", python.worker && python.ready ? "Running…"
      : "Starting Python in your browser (the first time takes a few seconds)…")
    if (fromButton) block.stopButton.focus()
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
        block.retry.hidden = false
        setState(block, "error", result.traceback)
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
      const same = !shown.cut && shown.printed.replace(/\n$/, "") === expected.replace(/\n$/, "")
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

  function start() {
    if (!window.MicrogptRuntime) return
    session().stop("block") // a run left behind on the previous page
    const description = document.getElementById("runnable-fences")
    if (!description) return
    setup(JSON.parse(description.dataset.description))
  }

  window.MicrogptRunner = { editable, textOf, plaintextOnly }
  if (window.document$) window.document$.subscribe(start) // every page view, instant navigation too
  else document.addEventListener("DOMContentLoaded", start)
})()
