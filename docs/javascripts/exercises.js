// Exercises and quizzes at the end of each act: drawing only.
//
// An exercise ([data-exercise="name"], written by the act's page) holds its starter code (a
// ```{.python .exercise} block), a folded hint and a folded solution. This makes the starter
// editable, adds Check (Ctrl+Enter in the editor), Reset and Stop, and a "Use this solution"
// button under the solution. Check hands the reader's code to exercises.check_report in the
// page's Python worker (docs/live/exercises, run by MicrogptRuntime): the very check that the
// tests run on every reference solution. The result element gets data-check-state="pass" or
// "fail" and lists, in words, what passed and what did not.
//
// A quiz ([data-quiz], drawn by docs/hooks/quizzes.py) needs no Python: each question carries
// its computed answer; picking a choice or checking a number shows whether it is right, and
// the one-sentence explanation.
//
// Loaded by a one-line script that docs/hooks/quizzes.py adds to pages with an exercise or a
// quiz; later page views (Material's instant navigation) call MicrogptExercises.init() again.
(function () {
  "use strict"
  if (window.MicrogptExercises) return

  let session = null // one Python worker for the exercises of every page, started at the first Check

  function python() {
    session = session || window.MicrogptRuntime.session()
    return session
  }

  function el(tag, className, text) {
    const node = document.createElement(tag)
    if (className) node.className = className
    if (text !== undefined) node.textContent = text
    return node
  }

  function button(label, title, onClick) {
    const b = el("button", "run-button", label)
    b.type = "button"
    if (title) b.title = title
    b.addEventListener("click", onClick)
    return b
  }

  // The code in a <code> element as plain text. textContent, not innerText: Pygments' line
  // spans would count each newline twice; an Enter typed in some browsers becomes a <br>.
  function textOf(code) {
    const copy = code.cloneNode(true)
    for (const br of copy.querySelectorAll("br")) br.replaceWith("\n")
    return copy.textContent.replace(/\n$/, "")
  }

  // --- Exercises ---------------------------------------------------------------------------

  function setupExercise(exercise) {
    if (exercise.dataset.exerciseReady) return
    const editor = exercise.querySelector("div.exercise:not(.solution) > pre > code")
    if (!editor) return
    exercise.dataset.exerciseReady = "true"
    const name = exercise.dataset.exercise
    const original = editor.innerHTML

    editor.contentEditable = "plaintext-only"
    editor.spellcheck = false
    editor.setAttribute("aria-label", "Your code for this exercise: editable; Ctrl+Enter checks it")
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault()
        check()
      }
    })

    const bar = el("div", "run-bar exercise-bar")
    const checkButton = button("Check", "Run your code and check it (Ctrl+Enter)", check)
    const stopButton = button("Stop", "Stop the check", function () { if (session) session.stop() })
    stopButton.hidden = true
    const resetButton = button("Reset", "Bring back the starter code", function () { editor.innerHTML = original })
    const status = el("span", "run-status")
    status.setAttribute("role", "status")
    bar.append(checkButton, stopButton, resetButton, status)

    const result = el("div", "exercise-result")
    result.setAttribute("data-check-result", "")
    result.setAttribute("aria-live", "polite")
    result.hidden = true
    editor.closest(".exercise").after(bar, result)

    const solution = exercise.querySelector("div.exercise.solution > pre > code")
    if (solution) {
      const use = button("Use this solution", "Put the solution's code into the editor above", function () {
        editor.textContent = textOf(solution)
        status.textContent = "The solution is in the editor: press Check."
        editor.focus()
      })
      use.classList.add("exercise-use")
      solution.closest(".exercise.solution").after(use)
    }

    function busy(running, message) {
      checkButton.disabled = running
      stopButton.hidden = !running
      status.textContent = message
    }

    function show(passed, lines, printed) {
      result.replaceChildren()
      result.hidden = false
      const good = lines.filter(function (line) { return line[0] }).length
      const summary = passed ? "Passed: every check is met." : "Not yet: " + good + " of " + lines.length + " checks met."
      result.append(el("p", "exercise-summary", summary))
      const list = el("ul", "exercise-checks")
      for (const line of lines) {
        const item = el("li", line[0] ? "exercise-pass" : "exercise-fail")
        item.append(el("span", "exercise-mark", line[0] ? "✓ passed: " : "✗ not yet: "), line[1])
        list.append(item)
      }
      result.append(list)
      if (printed) {
        result.append(el("p", "exercise-printed-title", "What your code printed:"))
        const pre = el("pre", "run-output exercise-printed", printed.replace(/\n$/, ""))
        pre.tabIndex = 0
        result.append(pre)
      }
      result.dataset.checkState = passed ? "pass" : "fail"
    }

    async function check() {
      if (!window.MicrogptRuntime) return
      if (session && session.busy) session.stop()
      delete result.dataset.checkState
      busy(true, session ? "Checking…" : "Starting Python in your browser (the first time takes a few seconds)…")
      const call = "import exercises\nexercises.check_report(" + JSON.stringify(name) + ", " + JSON.stringify(textOf(editor)) + ")"
      const started = performance.now()
      try {
        const report = await python().call(call, { namespace: "exercises" })
        const passed = report.results.length > 0 && report.results.every(function (line) { return line[0] })
        show(passed, report.results, report.printed)
        busy(false, "Checked in " + ((performance.now() - started) / 1000).toFixed(1) + " s.")
      } catch (error) {
        const text = String(error && error.message || error)
        const stopped = text.indexOf("Stopped.") === 0
        show(false, [[false, stopped ? "Stopped before the check finished." : "The check itself failed: " + text]], "")
        busy(false, stopped ? "Stopped." : "Error.")
      }
    }
  }

  // --- Quizzes -----------------------------------------------------------------------------

  function setupQuestion(question) {
    if (question.dataset.quizReady) return
    question.dataset.quizReady = "true"
    const feedback = question.querySelector(".quiz-feedback")
    const explanation = question.querySelector(".quiz-explanation")

    function answered(right, text) {
      question.dataset.answered = right ? "right" : "wrong"
      feedback.textContent = text
      explanation.hidden = false
    }

    if (question.dataset.kind === "choice") {
      const choices = question.querySelectorAll(".quiz-choice")
      choices.forEach(function (choice) {
        choice.setAttribute("aria-pressed", "false")
        choice.addEventListener("click", function () {
          choices.forEach(function (other) { other.setAttribute("aria-pressed", String(other === choice)) })
          const right = choice.textContent === question.dataset.answer
          answered(right, right ? "Right." : "Not quite: the answer is “" + question.dataset.answer + "”.")
        })
      })
      return
    }
    const input = question.querySelector("input")
    const answer = JSON.parse(question.dataset.answer)
    const tolerance = Number(question.dataset.tolerance || 0)
    function submit() {
      const typed = input.value.trim().replace(",", ".")
      if (!typed || isNaN(Number(typed))) {
        feedback.textContent = "Type a number first."
        return
      }
      const right = Math.abs(Number(typed) - answer) <= tolerance + 1e-9 * Math.max(1, Math.abs(answer))
      answered(right, right ? "Right: " + answer + "." : "Not quite: the answer is " + answer + ".")
    }
    question.querySelector(".quiz-submit").addEventListener("click", submit)
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); submit() }
    })
  }

  function init() {
    document.querySelectorAll("[data-exercise]").forEach(setupExercise)
    document.querySelectorAll("[data-quiz-question]").forEach(setupQuestion)
  }

  window.MicrogptExercises = { init: init }
  init()
})()
