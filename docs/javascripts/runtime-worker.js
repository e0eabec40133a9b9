// The in-page Python: Pyodide in a Web Worker, with the repository's files.
//
// Started by runtime.js, never by a page directly; runtime.js sends one job at a time. Loads
// Pyodide from the site itself (vendor/pyodide/, copied from npm by docsite/assets.py),
// unpacks runtime/repository.zip (the package, its data, the reference checkpoint and
// docsite/live/, made by docsite/bundle.py) into /repo and works there, so that
// `import microgpt` and paths such as Path("microgpt", "data.py") mean what they mean in
// the tests.
//
// Messages in:  {id, code, before, namespace, reset, quiet, call, trusted}
//               {type: "file", path, data}      a file the page keeps for every fresh worker
// Messages out: {type: "started", loadMs, setupMs}   the times to load Pyodide and to set it up
//               {id, type: "stream", text, dropped}   at most one every FLUSH_SECONDS
//               {id, type: "done", ok, traceback, value, changed, tampered, heavy, failedAt,
//                fatal, loadFailed}

import { loadPyodide } from "../vendor/pyodide/pyodide.mjs"

const SUPPORT = String.raw`
import builtins, importlib, json, os, pkgutil, sys, time, traceback, types

REPO = "/repo"
os.chdir(REPO)  # Pyodide keeps "" (the working directory) on sys.path: microgpt and docsite import from here
_namespaces = {}

# What a run prints reaches the page in batches: at most one message every FLUSH_SECONDS,
# each of at most KEEP characters (the newest); the rest is counted, not kept, so a flood
# costs the page neither time nor memory.
FLUSH_SECONDS = 0.05
KEEP = 20_000


class _Out:
    """sys.stdout and sys.stderr while a job runs (the page shows both in one box)."""

    def __init__(self, quiet, emit=_emit, clock=time.monotonic):
        self.quiet, self.emit, self.clock = quiet, emit, clock
        self.parts, self.size, self.dropped, self.last = [], 0, 0, clock()

    def write(self, text):
        text = str(text)
        if self.quiet or not text:
            return len(text)
        if len(text) > KEEP:
            self.dropped += self.size + len(text) - KEEP
            self.parts, self.size = [text[-KEEP:]], KEEP
        else:
            self.parts.append(text)
            self.size += len(text)
            if self.size > 2 * KEEP:
                self._trim()
        if self.clock() - self.last >= FLUSH_SECONDS:
            self.flush()
        return len(text)

    def _trim(self):
        whole = "".join(self.parts)
        self.dropped += max(0, len(whole) - KEEP)
        self.parts, self.size = [whole[-KEEP:]], min(len(whole), KEEP)

    def flush(self):
        self._trim()
        if self.parts[0] or self.dropped:
            self.emit(self.parts[0], self.dropped)
        self.parts, self.size, self.dropped, self.last = [""], 0, 0, self.clock()

    def isatty(self):
        return False


def _no_input(prompt=""):
    raise RuntimeError("input() is not available in the page: write the value into the code instead, "
                       "for example name = \"emma\"")


builtins.input = _no_input


def _shown(filename):
    """Frames a reader may see: their own code and the repository's files, not ours or the stdlib's."""
    return filename.startswith("<block") or filename.startswith("<your code") or filename.startswith(REPO + "/")


def _prune(summary, seen):
    if summary is None or id(summary) in seen:
        return
    seen.add(id(summary))
    summary.stack = traceback.StackSummary.from_list([f for f in summary.stack if _shown(f.filename)])
    _prune(summary.__cause__, seen)
    _prune(summary.__context__, seen)
    for inner in getattr(summary, "exceptions", None) or ():
        _prune(inner, seen)


def _traceback(error):
    summary = traceback.TracebackException(type(error), error, error.__traceback__)
    _prune(summary, set())
    return "".join(summary.format())


# --- Did a job leave the interpreter changed? ---------------------------------------------
# Before and after code the reader typed, the worker compares what later code relies on:
# every loaded module's attributes (by identity), the repository's functions (their code),
# classes (their attributes) and containers (their contents), the files under /repo, the
# working directory, sys.path and the environment. Any difference makes the page start a
# fresh worker before its next job, and a check run in that job cannot be trusted. This file
# runs in a namespace of its own with a copy of the builtins, so that a reader's
# builtins.isinstance = ... does not blind the comparison itself.

_MISSING = object()
_IGNORED = {"__warningregistry__", "last_exc", "last_type", "last_value", "last_traceback", "stdout", "stderr"}


def _fingerprint(value, FunctionType=types.FunctionType):
    if isinstance(value, FunctionType):
        return ("function", value, value.__code__, value.__defaults__, value.__kwdefaults__, dict(value.__dict__))
    if isinstance(value, type):
        return ("class", value, {k: _fingerprint(v) if isinstance(v, FunctionType) else v
                                 for k, v in vars(value).items()})
    if isinstance(value, (list, dict, set, bytearray)):
        return ("container", value, value.copy())
    return ("value", value)


def _same_fingerprint(a, b):
    if a[0] != b[0] or a[1] is not b[1]:
        return False
    if a[0] == "function":
        return all(x is y for x, y in zip(a[2:5], b[2:5])) and _same_items(a[5], b[5])
    if a[0] == "class":
        return a[2].keys() == b[2].keys() and all(
            _same_fingerprint(x, b[2][k]) if isinstance(x, tuple) and x[:1] == ("function",) else x is b[2][k]
            for k, x in a[2].items())
    if a[0] == "container":
        try:
            return type(a[2]) is type(b[2]) and bool(a[2] == b[2])
        except Exception:
            return False
    return True


def _same_items(a, b):
    return a.keys() == b.keys() and all(a[k] is b[k] for k in a)


def _from_repo(module):
    return str(getattr(module, "__file__", None) or "").startswith(REPO + "/")


def _files():
    found = {}
    for folder, _, names in os.walk(REPO):
        for name in names:
            stat = os.stat(os.path.join(folder, name))
            found[os.path.join(folder, name)] = (stat.st_size, stat.st_mtime_ns)
    return found


def _state():
    modules = dict(sys.modules)
    dicts = {name: dict(vars(m)) for name, m in modules.items() if isinstance(getattr(m, "__dict__", None), dict)}
    deep = {(name, key): _fingerprint(value) for name, m in modules.items() if _from_repo(m)
            for key, value in dicts.get(name, {}).items()}
    others = (os.getcwd(), list(sys.path), list(sys.meta_path), list(sys.path_hooks),
              sys.getrecursionlimit(), dict(os.environ))
    return modules, dicts, deep, _files(), others


def _changes(before):
    """What changed since _state() gave before: a list of (place, whether it touches the package)."""
    modules, dicts, deep, files, others = before
    found = []
    for name, module in modules.items():
        if sys.modules.get(name) is not module:
            found.append((f"the module {name}", _from_repo(module) or name == "builtins"))
            continue
        now = vars(module) if isinstance(getattr(module, "__dict__", None), dict) else {}
        old = dicts.get(name, {})
        for key in old.keys() | now.keys():
            if key in _IGNORED:
                continue
            new = now.get(key, _MISSING)
            if new is old.get(key, _MISSING):
                continue
            if key not in old and isinstance(new, types.ModuleType) and f"{name}.{key}" not in modules:
                continue  # a submodule imported for the first time: dropped again below
            found.append((f"{name}.{key}", _from_repo(module) or name == "builtins"))
    for (name, key), fingerprint in deep.items():
        value = vars(modules[name]).get(key, _MISSING)
        if not _same_fingerprint(fingerprint, _fingerprint(value)):
            found.append((f"{name}.{key}", True))
    if _files() != files:
        found.append(("the files of the repository", True))
    if (os.getcwd(), list(sys.path), list(sys.meta_path), list(sys.path_hooks),
            sys.getrecursionlimit(), dict(os.environ)) != others:
        found.append(("the working directory, sys.path, the recursion limit or the environment", True))
    # Modules imported for the first time are dropped, so that later code imports them afresh
    # and whatever was done to them is forgotten.
    for name in set(sys.modules) - set(modules):
        module = sys.modules.pop(name)
        parent, _, child = name.rpartition(".")
        if parent in sys.modules and getattr(sys.modules[parent], child, None) is module:
            delattr(sys.modules[parent], child)
    return found


def _run(before, code, namespace, reset, quiet, call, trusted):
    """Run the blocks of before (printing nothing), then code, in a named namespace.
    Returns (ok, traceback, JSON of the last expression, changes, tampered, index of the
    earlier block that failed or -1)."""
    if reset or namespace not in _namespaces:
        # as in the tests (docsite/fences.py); the real builtins, not this file's copy
        _namespaces[namespace] = {"__name__": "fence", "__builtins__": builtins}
    scope = _namespaces[namespace]
    saved = sys.stdout, sys.stderr
    state = None if trusted else _state()
    ok, text, value, failed = True, "", None, -1
    for index, source in enumerate(list(before) + [code]):
        last_one = index == len(before)
        sys.stdout = sys.stderr = out = _Out(quiet or not last_one)
        try:
            tree = compile(source, "<block>", "exec", flags=0x400)  # ast.PyCF_ONLY_AST, without ast.parse's frame
            last = None
            if call and last_one and tree.body and type(tree.body[-1]).__name__ == "Expr":
                import ast
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, "<block>", "exec"), scope)
            result = eval(compile(last, "<block>", "eval"), scope) if last is not None else None
            value = json.dumps(result) if call else None
        except BaseException as error:
            ok, text, failed = False, _traceback(error), -1 if last_one else index
        finally:
            try:
                out.flush()
            except BaseException:
                pass
            sys.stdout, sys.stderr = saved
        if not ok:
            break
    changes = [] if trusted else list(dict.fromkeys(place for place, _ in _changes(state)))
    return ok, text, value, changes[:5], bool(changes), failed


def _warm():
    """Import the package, the checks and the figures now, so that a job's first import of
    them adds nothing that looks like a change."""
    names = ["docsite.live.exercises", "docsite.live.figures", "docsite.live.stepper"] + [info.name for info in pkgutil.walk_packages([REPO + "/microgpt"], "microgpt.")]
    for name in ["microgpt"] + names:
        if name.endswith("__main__"):
            continue
        try:
            importlib.import_module(name)
        except Exception:
            pass  # a module that cannot run here (numpy's engine) is simply not loaded


_warm()
`

let current = null // the id of the job being run, for the output it streams

// Rejected when a download fails: loadPyodide itself would then wait forever.
let failStart = () => {}
const failure = new Promise((_, reject) => { failStart = reject })

// Pyodide fetches and compiles its wasm itself; when that download fails or is cut off it
// logs the error and its promise never settles. Watching fetch and WebAssembly here turns
// such a failure into an answer.
const realFetch = self.fetch.bind(self)
self.fetch = async (...args) => {
  try {
    const response = await realFetch(...args)
    if (!response.ok) failStart(new Error(`the download of ${String(args[0]).split("/").pop()} failed (HTTP ${response.status})`))
    return response
  } catch (error) {
    failStart(new Error(`the download of ${String(args[0]).split("/").pop()} failed`))
    throw error
  }
}
// A wrong MIME type is the one failure Pyodide recovers from (it compiles the bytes instead).
for (const name of ["instantiate", "instantiateStreaming", "compile", "compileStreaming"]) {
  const real = WebAssembly[name]
  if (!real) continue
  WebAssembly[name] = (...args) => real.apply(WebAssembly, args).catch((error) => {
    if (!/MIME/i.test(error && error.message)) {
      failStart(new Error("the download of the Python runtime was cut off or damaged"))
    }
    throw error
  })
}

const ready = Promise.race([failure, (async () => {
  const began = performance.now()
  const pyodide = await loadPyodide({ indexURL: new URL("../vendor/pyodide/", import.meta.url).href })
  const response = await fetch(new URL("../runtime/repository.zip", import.meta.url))
  if (!response.ok) throw new Error("could not fetch the repository files: HTTP " + response.status)
  pyodide.FS.mkdirTree("/repo")
  pyodide.unpackArchive(await response.arrayBuffer(), "zip", { extractDir: "/repo" })
  const own = pyodide.runPython("import builtins\n{'__name__': 'worker', '__builtins__': dict(vars(builtins))}")
  own.set("_emit", (text, dropped) => postMessage({ id: current, type: "stream", text, dropped }))
  const loaded = performance.now()
  pyodide.runPython(SUPPORT, { globals: own })
  postMessage({ type: "started", loadMs: loaded - began, setupMs: performance.now() - loaded })
  return { pyodide, run: own.get("_run") }
})()])
ready.catch(() => {}) // answered per job below

// A memory that grew past this is handed back by replacing the worker after the job: wasm
// memory never shrinks, so one big bytearray would otherwise be held until a reload.
const HEAVY_BYTES = 768 * 1024 * 1024

// In words a reader can act on: what a failure of the runtime itself (not of Python code) means.
function plain(error) {
  const text = String(error && error.message || error)
  const gone = " Python was restarted: everything it held is gone."
  if (/Maximum call stack size exceeded|too much recursion/i.test(text)) {
    return "Python ran out of stack: the recursion went deeper than the browser allows." + gone
  }
  const exit = /Program terminated with exit\((-?\d+)\)/.exec(text)
  if (exit) return `The code ended Python itself (exit status ${exit[1]}).` + gone
  if (/memory|Array buffer allocation/i.test(text)) return "Python ran out of memory in the browser." + gone
  return `The Python runtime failed (${text.split("\n")[0]}).` + gone
}

// One message at a time, in order. Whatever goes wrong, the job is answered: a page waiting
// for "done" must never wait forever. An error that escapes Python itself (Pyodide's own
// fatal errors) leaves the runtime unusable: fatal: true, and runtime.js replaces this worker.
let queue = Promise.resolve()
self.onmessage = (event) => {
  const message = event.data
  queue = queue.then(() => answer(message)).catch((error) => {
    postMessage({ id: message.id, type: "done", ok: false, fatal: true, traceback: plain(error) })
  })
}

async function answer(message) {
  let runtime
  try {
    runtime = await ready
  } catch (error) {
    if (message.type === "file") return
    postMessage({
      id: message.id, type: "done", ok: false, fatal: true, loadFailed: true,
      traceback: "Python could not be loaded in your browser: " + (error && error.message || error) + ".",
    })
    return
  }
  if (message.type === "file") {
    const folder = message.path.slice(0, message.path.lastIndexOf("/"))
    if (folder) runtime.pyodide.FS.mkdirTree(folder)
    if (message.data === null) {
      try { runtime.pyodide.FS.unlink(message.path) } catch (error) { /* already gone */ }
    } else {
      runtime.pyodide.FS.writeFile(message.path, message.data)
    }
    return
  }
  current = message.id
  const result = runtime.run(message.before || [], message.code, message.namespace || "main", !!message.reset,
    !!message.quiet, !!message.call, message.trusted !== false)
  const [ok, traceback, value, changed, tampered, failedAt] = result.toJs()
  result.destroy()
  const heavy = runtime.pyodide._module.HEAPU8.length > HEAVY_BYTES
  postMessage({ id: message.id, type: "done", ok, traceback, value: value === undefined ? null : value, changed, tampered, heavy, failedAt })
}
