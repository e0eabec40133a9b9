// Exercises and quizzes at the end of each act: drawing only.
//
// An exercise ([data-exercise="name"], written by the act's page) holds its starter code (a
// ```{.python .exercise} block), a folded hint and a folded solution. This makes the starter
// editable, adds Check (Ctrl+Enter in the editor), Reset and Stop, and a "Use this solution"
// button under the solution. Check hands the reader's code to exercises.check_report in the
// page's Python worker (docsite/live/exercises, run by MicrogptRuntime): the very check that the
// tests run on every reference solution. The result element gets data-check-state="pass" or
// "fail" and lists, in words, what passed and what did not.
//
// A quiz ([data-quiz], drawn by docsite/quizzes.py) needs no Python: each question carries
// its computed answer; a wrong choice or number gets a second try, and the second answer shows
// whether it is right, with the one-sentence explanation. A typed number is read as the site
// writes numbers (4,192; 27,5; 3.296 for 3.2958): see quizRight below.
//
// Loaded by a one-line script that docsite/quizzes.py adds to pages with an exercise or a
// quiz; later page views (Material's instant navigation) call MicrogptExercises.init() again.
(function () {
  "use strict"
  if (window.MicrogptExercises) return

  function python() {
    return window.MicrogptRuntime.session()
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

  // --- Exercises ---------------------------------------------------------------------------

  function setupExercise(exercise) {
    if (exercise.dataset.exerciseReady) return
    const code = exercise.querySelector("div.exercise:not(.solution) > pre > code")
    if (!code || !window.MicrogptRunner) return
    exercise.dataset.exerciseReady = "true"
    const name = exercise.dataset.exercise
    let generation = 0

    const editor = window.MicrogptRunner.editable(code, {
      label: "Your code for this exercise: editable. Ctrl+Enter checks it.",
      key: "microgpt-exercise:" + name,
      onRun: check,
    })

    const bar = el("div", "run-bar exercise-bar")
    const checkButton = button("Check", "Run your code and check it (Ctrl+Enter)", check)
    const stopButton = button("Stop", "Stop the check", function () { python().stop("exercise") })
    stopButton.hidden = true
    const resetButton = button("Reset", "Bring back the starter code and clear the result (Ctrl+Z in the code undoes it)", function () {
      if (!stopButton.hidden) python().stop("exercise")
      generation += 1
      editor.reset()
      result.replaceChildren()
      result.hidden = true
      delete result.dataset.checkState
      retry.hidden = true
      busy(false, "")
    })
    const status = el("span", "run-status")
    status.setAttribute("role", "status")
    const retry = button("Retry", "Try to load Python again", check)
    retry.hidden = true
    bar.append(checkButton, stopButton, resetButton, status, retry)

    const result = el("div", "exercise-result")
    result.setAttribute("data-check-result", "")
    result.setAttribute("aria-live", "polite")
    result.hidden = true
    editor.target.closest(".exercise").after(bar, result)

    const solution = exercise.querySelector("div.exercise.solution > pre > code")
    if (solution) {
      const use = button("Use this solution", "Put the solution's code into the editor above", function () {
        editor.text = window.MicrogptRunner.textOf(solution)
        status.textContent = "The solution is in the editor: press Check."
        editor.target.focus()
      })
      use.classList.add("exercise-use")
      solution.closest(".exercise.solution").after(use)
    }

    function busy(running, message) {
      const stopHadFocus = document.activeElement === stopButton
      checkButton.disabled = running
      stopButton.hidden = !running
      status.textContent = message
      if (!running && stopHadFocus) checkButton.focus()
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

    // The check runs in a fresh interpreter whenever the one before was changed, with the
    // reader's code marked untrusted: if that code changed the package, the checks or
    // Python's builtins, the worker says so and the check's answer is not shown as a pass.
    async function check() {
      if (!window.MicrogptRuntime) return
      const mine = ++generation
      const fromButton = document.activeElement === checkButton || document.activeElement === retry
      const session = python()
      delete result.dataset.checkState
      retry.hidden = true
      busy(true, session.worker && session.ready ? "Checking…" : "Starting Python in your browser (the first time takes a few seconds)…")
      if (fromButton) stopButton.focus()
      const call = "from docsite.live import exercises\nexercises.check_report(" + JSON.stringify(name) + ", " + JSON.stringify(editor.text) + ")"
      const started = performance.now()
      try {
        const report = await session.call(call, { namespace: "exercises", owner: "exercise", replace: true, trusted: false })
        if (mine !== generation) return
        const passed = report.results.length > 0 && report.results.every(function (line) { return line[0] })
        show(passed, report.results, report.printed)
        busy(false, "Checked in " + ((performance.now() - started) / 1000).toFixed(1) + " s.")
      } catch (error) {
        if (mine !== generation) return // a newer Check or a Reset took over
        if (error.loadFailed) {
          busy(false, error.message)
          retry.hidden = false
          return
        }
        const words = error.tampered
          ? "Your code changed " + error.changed.join(", ") + ", which the check relies on, so it cannot trust " +
            "its own answer. Take those lines out and Check again."
          : error.stopped ? "Stopped before the check finished."
            : error.fatal ? String(error.message)
              : "The check itself failed: " + String(error.message)
        show(false, [[false, words]], "")
        busy(false, error.stopped ? "Stopped." : error.fatal ? "Python was restarted." : "Not checked.")
      }
    }
  }

  // --- Reading a typed number: mirrors read_number and quiz_right in ------------------------
  // docsite/live/exercises/__init__.py (tests/test_quiz_numbers.py holds both to the same cases).

  const THOUSANDS = /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/
  const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

  function normalized(text) {
    let t = String(text).trim().replace(/[\s\u00a0\u2009\u202f_]/g, "").replace(/\u2212/g, "-")
    if (THOUSANDS.test(t)) t = t.replace(/,/g, "")
    else if ((t.match(/,/g) || []).length === 1 && t.indexOf(".") < 0) t = t.replace(",", ".")
    return NUMBER.test(t) ? t : null
  }

  function readNumber(text) {
    const t = normalized(text)
    return t === null ? null : Number(t)
  }

  function quizRight(text, answer, tolerance) {
    const t = normalized(text)
    if (t === null) return null
    const value = Number(t)
    if (Math.abs(value - answer) <= (tolerance || 0) + 1e-9 * Math.max(1, Math.abs(answer))) return true
    const parts = /^[-+]?(\d*)\.?(\d*)(?:[eE]([-+]?\d+))?$/.exec(t)
    const digits = (parts[1] + parts[2]).replace(/^0+/, "").length
    const places = parts[2].length - Number(parts[3] || 0)
    return digits >= 2 && Math.abs(value - answer) <= 0.5 * Math.pow(10, -places) * (1 + 1e-9)
  }

  // --- Quizzes -----------------------------------------------------------------------------

  // A wrong answer gets a second try; the second wrong one shows the answer.
  function setupQuestion(question) {
    if (question.dataset.quizReady) return
    question.dataset.quizReady = "true"
    const feedback = question.querySelector(".quiz-feedback")
    const explanation = question.querySelector(".quiz-explanation")
    let tries = 0

    function answered(right, shownAnswer) {
      tries += 1
      if (right) {
        question.dataset.answered = "right"
        feedback.textContent = "Right: " + shownAnswer + "."
      } else if (tries < 2) {
        question.dataset.answered = "retry"
        feedback.textContent = "Not quite: try once more."
        return
      } else {
        question.dataset.answered = "wrong"
        feedback.textContent = "Not quite: the answer is " + shownAnswer + "."
      }
      explanation.hidden = false
    }

    if (question.dataset.kind === "choice") {
      const choices = question.querySelectorAll(".quiz-choice")
      choices.forEach(function (choice) {
        choice.setAttribute("aria-pressed", "false")
        choice.addEventListener("click", function () {
          if (question.dataset.answered === "right" || question.dataset.answered === "wrong") return
          choices.forEach(function (other) { other.setAttribute("aria-pressed", String(other === choice)) })
          answered(choice.textContent === question.dataset.answer, "“" + question.dataset.answer + "”")
        })
      })
      return
    }
    const input = question.querySelector("input")
    const answer = JSON.parse(question.dataset.answer)
    const tolerance = Number(question.dataset.tolerance || 0)
    function submit() {
      if (question.dataset.answered === "right" || question.dataset.answered === "wrong") return
      const right = quizRight(input.value, answer, tolerance)
      if (right === null) {
        feedback.textContent = input.value.trim() ? "That is not a number: type digits, such as 4,192 or 0.25." : "Type a number first."
        return
      }
      answered(right, String(answer))
    }
    question.querySelector(".quiz-submit").addEventListener("click", submit)
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); submit() }
    })
  }

  // Each exercise and question on its own: one that fails to set up leaves the others working.
  function each(selector, setup) {
    document.querySelectorAll(selector).forEach(function (element) {
      try { setup(element) } catch (error) { console.error(error) }
    })
  }

  function init() {
    // The editor comes from runner.js, which the page loads after its content: wait for it.
    if (!window.MicrogptRunner && document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init, { once: true })
      return
    }
    if (window.MicrogptRuntime) python().stop("exercise") // a check left behind on the previous page
    each("[data-exercise]", setupExercise)
    each("[data-quiz-question]", setupQuestion)
  }

  window.MicrogptExercises = { init: init, readNumber: readNumber, quizRight: quizRight }
  init()
})()
