// Run, edit and reset the Python blocks of a page, in the page.
//
// docs/hooks/fences.py marks each runnable block with data-runnable="N" and puts
// the page's description (code, chain, expected output) as JSON in #runnable-fences; this
// adds the controls and runs a block the way the tests do: in a fresh namespace,
// after the blocks it continues from (as they stand in their editors now).
//
// The HTML contract, kept for tests: [data-runnable] holds a button named "Run";
// its data-run-state becomes "running", then "done" or "error"; what the block
// printed goes into its [data-run-output] element.
(function () {
  let session = null // shared by every page: each run starts from a fresh namespace anyway
  let blocks = [] // this page's blocks, {element, code, original, runnable}

  function pageSession() {
    session = session || window.MicrogptRuntime.session()
    return session
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

  function codeOf(block) {
    // textContent, not innerText: the line spans would count each newline twice
    const copy = block.code.cloneNode(true)
    for (const br of copy.querySelectorAll("br")) br.replaceWith("\n") // an Enter typed in some browsers
    return copy.textContent.replace(/\n$/, "")
  }

  function setup(description) {
    blocks = []
    for (const element of document.querySelectorAll("[data-runnable]")) {
      const runnable = description[Number(element.dataset.runnable)]
      const code = element.querySelector("pre > code")
      if (!runnable || !code) continue
      const block = { element, code, runnable, original: code.innerHTML }
      blocks[runnable.index] = block

      code.contentEditable = "plaintext-only"
      code.spellcheck = false
      code.setAttribute("aria-label", `Python code, line ${runnable.line} of the page: editable; Ctrl+Enter runs it`)
      code.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault()
          run(block)
        }
      })

      const bar = document.createElement("div")
      bar.className = "run-bar"
      block.runButton = button("Run", "Run this code in your browser (Ctrl+Enter)", () => run(block))
      block.stopButton = button("Stop", "Stop the running code", () => stop())
      block.stopButton.hidden = true
      const reset = button("Reset", "Bring back the page's code", () => {
        code.innerHTML = block.original
      })
      block.status = document.createElement("span")
      block.status.className = "run-status"
      block.status.setAttribute("role", "status")
      bar.append(block.runButton, block.stopButton, reset, block.status)

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

  function setState(block, state, message) {
    block.element.dataset.runState = state
    block.runButton.disabled = state === "running"
    block.stopButton.hidden = state !== "running"
    block.status.textContent = message
  }

  function stop() {
    if (session) session.stop()
  }

  async function run(block) {
    if (session && session.busy) stop() // one block at a time: a new Run replaces the old one
    const started = performance.now()
    block.output.textContent = ""
    block.output.hidden = false
    delete block.element.dataset.runMatch
    setState(block, "running", session ? "Running…" : "Starting Python in your browser (the first time takes a few seconds)…")
    const python = pageSession()
    const chain = block.runnable.chain
    for (const [k, index] of chain.entries()) {
      const earlier = blocks[index]
      const result = await python.run(earlier ? codeOf(earlier) : "", { namespace: "page", reset: k === 0, quiet: true })
      if (!result.ok) {
        block.output.textContent = result.stopped
          ? result.traceback
          : `The block this one continues from (line ${blocks[index].runnable.line}) raised:\n\n${result.traceback}`
        setState(block, "error", result.stopped ? "Stopped." : "Error in an earlier block.")
        return
      }
      setState(block, "running", "Running…")
    }
    const append = (text) => block.output.append(text)
    const result = await python.run(codeOf(block), { namespace: "page", reset: chain.length === 0, onStdout: append, onStderr: append })
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    if (!result.ok) {
      block.output.append(result.traceback)
      setState(block, "error", result.stopped ? "Stopped." : `Raised an exception (${seconds} s).`)
      return
    }
    const expected = block.runnable.output
    let note = `Done in ${seconds} s.`
    if (expected !== null) {
      const same = block.output.textContent.replace(/\n$/, "") === expected.replace(/\n$/, "")
      block.element.dataset.runMatch = same
      const edited = codeOf(block).replace(/\n$/, "") !== block.runnable.code.replace(/\n$/, "")
      note += same ? " Same as the page's output below."
        : edited ? " Differs from the page's output below: the code is yours now."
          : " Differs from the page's output below, though the code is the page's: the tests check" +
            " that it never does, so this is a bug of the site."
    }
    if (!block.output.textContent) {
      block.output.hidden = true
      note += " It printed nothing."
    }
    setState(block, "done", note)
  }

  function start() {
    if (session && session.busy) stop() // a run left behind on the previous page
    const description = document.getElementById("runnable-fences")
    if (!description || !window.MicrogptRuntime) return
    setup(JSON.parse(description.dataset.description))
  }

  if (window.document$) window.document$.subscribe(start) // every page view, instant navigation too
  else document.addEventListener("DOMContentLoaded", start)
})()
