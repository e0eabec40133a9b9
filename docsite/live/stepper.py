"""Record a run line by line, for stepping through it: the block's lines and the package's.

    recording = record(code, start="gpt", budget=50_000)

runs `code` (a block of a page) under sys.settrace and returns a plain dict, ready for JSON:

    {"files": {"<block>": code, "microgpt/model.py": its source, ...},   every file a step is in
     "steps": [{"file", "line", "function", "depth", "locals": {name: shown}}, ...],
     "budget": 50000, "truncated": False, "printed": "what the code printed"}

A step is one line executed, with the frame's locals as they are right AFTER that line ran;
a step's `locals` lists only the names whose shown value changed since the frame's previous
step (the first step of a frame lists them all), so a long recording stays small; `depth` is
the call depth below the recording's first frame. Only the block and the package's own files
are recorded, never the standard library. With `start`, the code runs as usual until the
first call of the package function of that name, and only that call is recorded (set-up such
as loading a checkpoint is run, not recorded). Value's arithmetic (a + b, a * b, ...) is run
without being recorded unless `into_arithmetic` is true: a forward pass makes thousands of them.
With `max_depth`, calls deeper than that below the first recorded frame run without being
recorded: `max_depth=0` keeps a train_step to its own lines. Past `budget` steps, the rest
runs without a recording and `truncated` says so.

A value is shown as a reader can read it (`shown()`): a number as Python prints it, a Value as
its data and grad, a short list whole, a long one by its length and first items, a matrix by
its shape and first items.
"""

import io
import sys
from contextlib import redirect_stdout
from pathlib import Path

BLOCK = "<block>"
PACKAGE = Path(__import__("microgpt").__file__).resolve().parent
ROOT = PACKAGE.parent
ARITHMETIC = {"__add__", "__radd__", "__mul__", "__rmul__", "__pow__", "__neg__", "__sub__",
              "__rsub__", "__truediv__", "__rtruediv__", "__init__", "log", "exp", "relu"}
SHOWN_ITEMS = 3  # items of a long list shown before "..."


def short(x):
    """A number inside a list or a matrix: 4 significant digits are enough to read it."""
    return f"{x:.4g}" if isinstance(x, float) else repr(x)


def shown(value, depth=0):
    """A value as the stepper shows it: short, and the same text for the same value. A number
    on its own, or a Value's, is shown exactly; inside a list, to 4 significant digits."""
    kind = type(value).__name__
    if kind == "Value":  # inside Value.__init__ its fields are not all set yet
        data, grad = getattr(value, "data", "unset"), getattr(value, "grad", "unset")
        if depth > 0:
            return f"Value({short(data)}, grad {short(grad)})"
        return f"Value(data={data!r}, grad={grad!r})".replace("'unset'", "(not set yet)")
    if isinstance(value, float) and depth > 0:
        return short(value)
    if isinstance(value, (bool, int, float, str)) or value is None:
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (list, tuple)):  # a matrix
            rows, columns = len(value), len(value[0])
            first = ", ".join(shown(x, depth + 1) for x in value[0][:2])
            return f"{rows}x{columns} matrix [[{first}, ...], ...]"
        if depth > 0:
            return f"[{len(value)} items]"
        items = ", ".join(shown(x, depth + 1) for x in value[:SHOWN_ITEMS])
        more = ", ..." if len(value) > SHOWN_ITEMS else ""
        brackets = "[]" if isinstance(value, list) else "()"
        return f"{brackets[0]}{items}{more}{brackets[1]} (length {len(value)})"
    if isinstance(value, (set, frozenset)):  # sorted: a set's own order follows memory addresses
        items = sorted(shown(x, depth + 1) for x in value)
        more = ", ..." if len(items) > SHOWN_ITEMS else ""
        return f"{{{', '.join(items[:SHOWN_ITEMS])}{more}}} (size {len(items)})"
    if isinstance(value, dict):
        keys = ", ".join(repr(k) for k in list(value)[:SHOWN_ITEMS])
        more = ", ..." if len(value) > SHOWN_ITEMS else ""
        return f"dict of {len(value)}: {{{keys}{more}}}"
    if callable(value):
        return f"<{kind} {getattr(value, '__name__', '')}>".replace(" >", ">")
    try:
        text = repr(value)
    except Exception:  # a reader's class whose repr fails: its name will do
        return f"<{kind}>"
    if len(text) > 60 or " object at 0x" in text:  # an address says nothing, and differs by run
        return f"<{kind}>"
    return text


class Recorder:
    def __init__(self, start, budget, into_arithmetic, max_depth):
        self.start, self.budget, self.into_arithmetic = start, budget, into_arithmetic
        self.max_depth = max_depth
        self.steps, self.files, self.truncated = [], {}, False
        self.recording = start is None
        self.root = None  # the frame recording started in
        self.pending = {}  # frame -> (step, the shown locals it last had)
        self.places = {}  # a code object's file name -> the name it is recorded under, or None

    def place(self, frame):
        """The file name a step of this frame is recorded under, or None if not recorded."""
        filename = frame.f_code.co_filename
        if filename not in self.places:  # once per file: this runs for every call
            self.places[filename] = None
            path = Path(filename)
            if filename == BLOCK:
                self.places[filename] = BLOCK
            elif path.is_absolute() and PACKAGE in path.resolve().parents:
                name = path.resolve().relative_to(ROOT).as_posix()
                self.files[name] = path.read_text(encoding="utf-8")
                self.places[filename] = name
        return self.places[filename]

    def depth(self, frame):
        depth = 0
        while frame is not None and frame is not self.root:
            frame, depth = frame.f_back, depth + 1
        return depth

    def global_trace(self, frame, event, arg):
        """Called for every new frame: which ones are recorded."""
        if self.truncated:
            return None
        place = self.place(frame)
        if place is None:
            return None
        if self.root is None:  # not started: the block itself, or the first call of `start`
            starts = (place == BLOCK) if self.start is None else (
                place != BLOCK and frame.f_code.co_name == self.start)
            if not starts:
                return None
            self.root, self.recording = frame, True
        elif not self.recording:  # the walkthrough's call is over: the rest only runs
            return None
        elif self.max_depth is not None and self.depth(frame) > self.max_depth:
            return None
        if (not self.into_arithmetic and frame.f_code.co_name in ARITHMETIC
                and place == "microgpt/engine.py"):
            return None
        return self.local_trace

    def local_trace(self, frame, event, arg):
        """Called for each line and the return of a recorded frame."""
        if self.truncated or not self.recording:
            return None
        if event in ("line", "return"):
            self.finish(frame, returned=(event == "return"), value=arg)
        if event == "line":
            if len(self.steps) >= self.budget:
                self.truncated = True
                sys.settrace(None)
                return None
            step = {"file": self.place(frame), "line": frame.f_lineno,
                    "function": frame.f_code.co_name, "depth": self.depth(frame), "locals": {}}
            self.steps.append(step)
            self.pending[frame] = (step, self.pending.get(frame, (None, {}))[1])
        elif event == "return":
            self.pending.pop(frame, None)
            if frame is self.root:
                self.recording = False
        return self.local_trace

    def finish(self, frame, returned=False, value=None):
        """Complete this frame's last step with its locals after that line ran (and, on a
        return, the value it returned)."""
        step, before = self.pending.get(frame, (None, None))
        if step is None:
            return
        now = {name: shown(value) for name, value in frame.f_locals.items()
               if not name.startswith("__")}
        step["locals"] = {name: text for name, text in now.items() if before.get(name) != text}
        if returned and frame.f_code.co_name != "<module>":  # a block "returns" nothing to see
            step["returned"] = shown(value)
        self.pending[frame] = (None, now)


def record(code, start=None, budget=50_000, into_arithmetic=False, max_depth=None, before=()):
    """Run code and record it: the dict described at the top of this file. The blocks in
    `before` (those the block continues from) run first, unrecorded, in the same namespace."""
    recorder = Recorder(start, budget, into_arithmetic, max_depth)
    compiled = compile(code, BLOCK, "exec")
    namespace = {"__name__": "fence"}
    printed = io.StringIO()
    with redirect_stdout(io.StringIO()):
        for earlier in before:
            exec(compile(earlier, "<earlier block>", "exec"), namespace)
    previous = sys.gettrace()
    sys.settrace(recorder.global_trace)
    try:
        with redirect_stdout(printed):
            exec(compiled, namespace)
    finally:
        sys.settrace(previous)
    return {"files": {BLOCK: code, **recorder.files}, "steps": recorder.steps,
            "budget": budget, "truncated": recorder.truncated, "printed": printed.getvalue()}
