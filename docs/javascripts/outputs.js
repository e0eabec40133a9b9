// Whether a block printed its page's output: the mirror of same_output in docsite/outputs.py
// (tests/test_outputs.py runs both on the same cases). No DOM here, so Node can import it.

/** True when `printed` is the output block `expected`, up to one trailing newline on each. */
export function sameOutput(expected, printed) {
  return printed.replace(/\n$/, "") === expected.replace(/\n$/, "")
}
