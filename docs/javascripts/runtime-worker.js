// The in-page Python: Pyodide in a Web Worker, with the repository's files.
//
// Started by runtime.js, never by a page directly. Loads Pyodide from the site
// itself (vendor/pyodide/, copied from npm by docs/hooks/assets.py), unpacks
// runtime/repository.zip (the package, its data, the reference checkpoint and
// docs/live/, made by docs/hooks/fences.py) into /repo and works there, so that
// `import microgpt` and paths such as Path("microgpt", "data.py") mean what they
// mean in the tests.
//
// Messages in:  {id, code, namespace, reset, quiet, call}
// Messages out: {id, type: "stream", kind: "stdout" | "stderr", text}
//               {id, type: "done", ok, traceback, value}

import { loadPyodide } from "../vendor/pyodide/pyodide.mjs"

const SUPPORT = `
import ast, json, os, sys, traceback

os.chdir("/repo")
sys.path[:0] = ["/repo", "/repo/docs/live"]
_namespaces = {}

class _Stream:
    """sys.stdout and sys.stderr while a block runs: each write goes to the page at once."""
    def __init__(self, kind, quiet):
        self.kind, self.quiet = kind, quiet
    def write(self, text):
        if text and not self.quiet:
            _emit(self.kind, text)
        return len(text)
    def flush(self):
        pass
    def isatty(self):
        return False

def _run(code, namespace, reset, quiet, call):
    """Run code in a named namespace; returns (ok, traceback text, JSON of the last expression)."""
    if reset or namespace not in _namespaces:
        _namespaces[namespace] = {"__name__": "fence"}  # as in the tests (docs/hooks/fences.py)
    scope = _namespaces[namespace]
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream("stdout", quiet), _Stream("stderr", quiet)
    try:
        tree = ast.parse(code, "<block>")
        last = None
        if call and tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, "<block>", "exec"), scope)
        value = eval(compile(last, "<block>", "eval"), scope) if last is not None else None
        return True, "", json.dumps(value) if call else None
    except BaseException as error:
        # The traceback as Python prints it, from the reader's code on (not this function).
        tb = error.__traceback__.tb_next if error.__traceback__ else None
        text = "".join(traceback.format_exception(type(error), error, tb))
        return False, text, None
    finally:
        sys.stdout.flush()
        sys.stdout, sys.stderr = saved
`

let current = null // the id of the message being run, for the output it streams

const ready = (async () => {
  const pyodide = await loadPyodide({ indexURL: new URL("../vendor/pyodide/", import.meta.url).href })
  const response = await fetch(new URL("../runtime/repository.zip", import.meta.url))
  if (!response.ok) throw new Error("could not fetch the repository files: HTTP " + response.status)
  pyodide.FS.mkdirTree("/repo")
  pyodide.unpackArchive(await response.arrayBuffer(), "zip", { extractDir: "/repo" })
  pyodide.globals.set("_emit", (kind, text) => postMessage({ id: current, type: "stream", kind, text }))
  pyodide.runPython(SUPPORT)
  return pyodide.globals.get("_run")
})()

// One message at a time, in order: each waits for the one before it. Whatever goes
// wrong, the message is answered: a page waiting for "done" must never wait forever.
// An error that escapes Python itself (Pyodide's own fatal errors, such as running
// out of memory) leaves the runtime unusable, so it is answered with fatal: true
// and runtime.js replaces this worker.
let queue = Promise.resolve()
self.onmessage = (event) => {
  const message = event.data
  queue = queue.then(() => answer(message)).catch((error) => {
    postMessage({
      id: message.id, type: "done", ok: false, fatal: true,
      traceback: "The Python runtime failed and was restarted: everything it held is gone.\n" + String(error && error.stack || error),
    })
  })
}

async function answer(message) {
  let run
  try {
    run = await ready
  } catch (error) {
    postMessage({ id: message.id, type: "done", ok: false, fatal: true, traceback: "The Python runtime did not start: " + error.message })
    return
  }
  current = message.id
  const result = run(message.code, message.namespace || "main", !!message.reset, !!message.quiet, !!message.call)
  const [ok, traceback, value] = result.toJs()
  result.destroy()
  postMessage({ id: message.id, type: "done", ok, traceback, value: value === undefined ? null : value })
}
