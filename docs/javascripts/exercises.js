// The exercises at the end of each act: drawing only.
//
// An exercise ([data-exercise="name"], written by the act's page) holds its starter code (a
// ```{.python .exercise} block), a folded hint and a folded solution. This makes the starter
// an editable block (blocks.js) with Check (Ctrl+Enter in the editor), Stop and Reset, and
// adds a "Use this solution" button under the solution. Check hands the reader's code to
// exercises.check_report in the page's Python worker (docsite/live/exercises, run by
// runtime.js): the very check that the tests run on every reference solution. The result
// element [data-check-result] gets data-check-state="pass" or "fail" and lists, in words,
// what passed and what did not.

import { button, editableBlock, textOf } from "./blocks.js"
import { el } from "./dom.js"
import { session } from "./runtime.js"

function setupExercise(exercise) {
  if (exercise.dataset.exerciseReady) return
  const code = exercise.querySelector("div.exercise:not(.solution) > pre > code")
  if (!code) return
  exercise.dataset.exerciseReady = "true"
  const name = exercise.dataset.exercise
  let generation = 0

  const block = editableBlock(code, {
    action: "Check",
    label: "Your code for this exercise: editable. Ctrl+Enter checks it.",
    key: "microgpt-exercise:" + name,
    titles: {
      action: "Run your code and check it (Ctrl+Enter)",
      stop: "Stop the check",
      reset: "Bring back the starter code and clear the result (Ctrl+Z in the code undoes it)",
    },
    barClass: "exercise-bar",
    onRun: check,
    onStop: () => session().stop("exercise"),
    onReset: () => {
      generation += 1
      result.replaceChildren()
      result.hidden = true
      delete result.dataset.checkState
    },
  })
  const { editor } = block

  const result = el("div", { class: "exercise-result", "data-check-result": "", "aria-live": "polite" })
  result.hidden = true
  editor.target.closest(".exercise").after(block.bar, result)

  const solution = exercise.querySelector("div.exercise.solution > pre > code")
  if (solution) {
    const use = button("Use this solution", "Put the solution's code into the editor above", () => {
      editor.text = textOf(solution)
      block.status.textContent = "The solution is in the editor: press Check."
      editor.target.focus()
    })
    use.classList.add("exercise-use")
    solution.closest(".exercise.solution").after(use)
  }

  function show(passed, lines, printed) {
    result.replaceChildren()
    result.hidden = false
    const good = lines.filter((line) => line[0]).length
    const summary = passed ? "Passed: every check is met." : "Not yet: " + good + " of " + lines.length + " checks met."
    const list = el("ul", { class: "exercise-checks" }, lines.map((line) => el("li", { class: line[0] ? "exercise-pass" : "exercise-fail" }, [
      el("span", { class: "exercise-mark", text: line[0] ? "✓ passed: " : "✗ not yet: " }), line[1],
    ])))
    result.append(el("p", { class: "exercise-summary", text: summary }), list)
    if (printed) {
      result.append(el("p", { class: "exercise-printed-title", text: "What your code printed:" }),
        el("pre", { class: "run-output exercise-printed", tabindex: 0, text: printed.replace(/\n$/, "") }))
    }
    result.dataset.checkState = passed ? "pass" : "fail"
  }

  // The check runs in a fresh interpreter whenever the one before was changed, with the
  // reader's code marked untrusted: if that code changed the package, the checks or
  // Python's builtins, the worker says so and the check's answer is not shown as a pass.
  async function check() {
    const mine = ++generation
    const python = session()
    delete result.dataset.checkState
    block.busy(true, python.worker && python.ready ? "Checking…" : "Starting Python in your browser (the first time takes a few seconds)…")
    const call = "from docsite.live import exercises\nexercises.check_report(" + JSON.stringify(name) + ", " + JSON.stringify(editor.text) + ")"
    const started = performance.now()
    try {
      const report = await python.call(call, { namespace: "exercises", owner: "exercise", replace: true, trusted: false })
      if (mine !== generation) return
      const passed = report.results.length > 0 && report.results.every((line) => line[0])
      show(passed, report.results, report.printed)
      block.busy(false, "Checked in " + ((performance.now() - started) / 1000).toFixed(1) + " s.")
    } catch (error) {
      if (mine !== generation) return // a newer Check or a Reset took over
      if (error.loadFailed) {
        block.failed(error.message)
        return
      }
      const words = error.tampered
        ? "Your code changed " + error.changed.join(", ") + ", which the check relies on, so it cannot trust " +
          "its own answer. Take those lines out and Check again."
        : error.stopped ? "Stopped before the check finished."
          : error.fatal ? String(error.message)
            : "The check itself failed: " + String(error.message)
      show(false, [[false, words]], "")
      block.busy(false, error.stopped ? "Stopped." : error.fatal ? "Python was restarted." : "Not checked.")
    }
  }
}

/** The page left: its checks end. */
export function leave() {
  session().stop("exercise")
}

/** Makes each exercise of the page checkable; one that fails to set up leaves the others working. */
export function init() {
  document.querySelectorAll("[data-exercise]").forEach((exercise) => {
    try { setupExercise(exercise) } catch (error) { console.error(error) }
  })
}
