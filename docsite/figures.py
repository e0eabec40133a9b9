"""Each live figure's first frame, computed at build time from the reference model.

A page places a figure with `<!-- mg:figure NAME -->` (docsite/directives.py), which writes
its markup from the end of docsite/live/figures.py: `<div class="mg-figure" data-figure="NAME">`
with its fields, a `[data-status]` line and a `[data-output]` box (docs/javascripts/figures.js
draws into it). Into each one this step writes:

- a line saying which model the figures read: `<span data-model-name>the reference
  model</span>` (figures.js changes it when the reader trains and keeps a model); not in
  a figure that reads no model (the backward stepper: Value alone);
- on its `[data-output]` box, `data-first-frame`: docsite/live/figures.py's answer (JSON) for
  the inputs the markup starts with, the same call the page would make. figures.js draws
  it at once, so the page reads the same before Python starts, and Python starts only
  when the reader touches a figure. (An attribute, not a JSON <script>: Material's instant
  navigation re-runs a page's inline scripts, and re-creates them without their type.)

An unknown figure name, or a first frame that fails, fails the build.
"""

import html
import json
import re
from html.parser import HTMLParser

from mkdocs.exceptions import PluginError

from docsite.live import figures as live_figures  # what the page's Python imports

FIGURE = re.compile(r'<div class="mg-figure" data-figure="([^"]*)">')
DIV = re.compile(r"<(/?)div\b")
STATUS = re.compile(r'<p class="mg-figure__status"')
OUTPUT = re.compile(r"<div data-output\b")
MODEL_LINE = ('<p class="mg-figure__model">Model: <span data-model-name>{}</span></p>\n')


class Fields(HTMLParser):
    """The value of each <input> of a figure, under the selector live_figures.FIELDS uses for it."""

    def __init__(self, html):
        super().__init__()
        self.values = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag != "input":
            return
        for key in ("data-input", "type"):
            if key in attrs:
                self.values.setdefault(f'input[{key}="{attrs[key]}"]', attrs.get("value") or "")


def figure_end(html, start):
    """The index just past the </div> that closes the <div> opening at start."""
    depth = 0
    for match in DIV.finditer(html, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return html.index(">", match.end()) + 1
    raise PluginError(f"a live figure's <div> at character {start} is never closed")


_frames = {}  # (figure, its inputs) -> first frame: each is computed once per build


def first_frame(name, inputs):
    key = (name, json.dumps(inputs, sort_keys=True))
    if key not in _frames:
        _frames[key] = live_figures.first_frame(name, inputs)
    return _frames[key]


def with_first_frame(block, name, where):
    if name not in live_figures.FIELDS:
        raise PluginError(f"{where}: unknown live figure {name!r}; known: {', '.join(live_figures.FIELDS)}")
    found = Fields(block).values
    missing = [selector for selector in live_figures.FIELDS[name].values() if selector not in found]
    if missing:
        raise PluginError(f"{where}: the {name} figure has no {' or '.join(missing)}")
    inputs = {field: found[selector] for field, selector in live_figures.FIELDS[name].items()}
    frame = first_frame(name, inputs)
    if frame is not None and "error" in frame:
        raise PluginError(f"{where}: the {name} figure's first frame fails: {frame['error']}")
    if name not in live_figures.READS_NO_MODEL:
        status = STATUS.search(block)
        at = status.start() if status else block.rindex("</div>")
        block = block[:at] + MODEL_LINE.format(live_figures.REFERENCE_NAME) + block[at:]
    if frame is not None:
        output = OUTPUT.search(block)
        if not output:
            raise PluginError(f"{where}: the {name} figure has no <div data-output>")
        # in single quotes, which JSON text holds only inside strings: far fewer escapes than "
        data = html.escape(json.dumps(frame, separators=(",", ":")), quote=False).replace("'", "&#x27;")
        block = block[:output.end()] + f" data-first-frame='{data}'" + block[output.end():]
    return block


def first_frames(html: str, where: str) -> str:
    parts, done = [], 0
    for match in FIGURE.finditer(html):
        if match.start() < done:
            raise PluginError(f"{where}: a live figure inside another one")
        end = figure_end(html, match.start())
        parts += [html[done:match.start()], with_first_frame(html[match.start():end], match.group(1),
                                                             where)]
        done = end
    return "".join(parts) + html[done:] if parts else html
