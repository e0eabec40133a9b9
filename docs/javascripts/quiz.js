// The quiz at the end of each act ([data-quiz], drawn by docsite/quizzes.py). It needs no
// Python: each question carries its computed answer; a wrong choice or number gets a second
// try, and the second answer shows whether it is right, with the one-sentence explanation. A
// typed number is read as the site writes numbers (4,192; 27,5; 3.296 for 3.2958).
//
// The rule that reads a typed number touches no DOM, so Node can import it
// (tests/test_quiz_numbers.py).

// --- Reading a typed number: mirrors quiz_right (and read_number, which it uses) in ------
// docsite/live/exercises/__init__.py (tests/test_quiz_numbers.py holds both to the same cases).

const THOUSANDS = /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

function normalized(text) {
  let t = String(text).trim().replace(/[\s\u00a0\u2009\u202f_]/g, "").replace(/\u2212/g, "-")
  if (THOUSANDS.test(t)) t = t.replace(/,/g, "")
  else if ((t.match(/,/g) || []).length === 1 && t.indexOf(".") < 0) t = t.replace(",", ".")
  return NUMBER.test(t) ? t : null
}

/** true or false: the typed answer is right (null: not a number). */
export function quizRight(text, answer, tolerance) {
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
    choices.forEach((choice) => {
      choice.setAttribute("aria-pressed", "false")
      choice.addEventListener("click", () => {
        if (question.dataset.answered === "right" || question.dataset.answered === "wrong") return
        choices.forEach((other) => { other.setAttribute("aria-pressed", String(other === choice)) })
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
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); submit() }
  })
}

/** Makes each question of the page's quiz answerable. */
export function init() {
  document.querySelectorAll("[data-quiz-question]").forEach((question) => {
    try { setupQuestion(question) } catch (error) { console.error(error) } // one broken question leaves the others working
  })
}
