"""The page grammar: everything a page writer may write in docs/*.md besides Markdown.

`expand(markdown, page)` turns a page's Markdown into the Markdown the site renders. The build
calls it first (docsite/hooks.py), and the tests call it too, so that they read a page exactly
as the build does. It needs no MkDocs objects. A directive it does not know, or one it cannot
fill in, stops the build with a message that names the page, the line and what was wrong.

Inline values, anywhere in a line (in code and in headings too):

    {{ num_params }}              a figure computed at build time (docsite/facts.py)
    {{ ladder:seed }}             a term of the ladder (docsite/ladder.py's terms)
    {{ ladder:mlp.held_out }}     one figure of one rung: RUNG.FIELD (docsite/ladder.py)

Block directives, each alone on its line (indented inside an admonition or a fold):

    <!-- mg:figure train -->      a live figure: its markup, kept beside its Python at the end of
                                  docsite/live/figures.py (MARKUP); docs/javascripts/figures.js
                                  draws it
    <!-- mg:plot loss-curve The loss of each step, with its running mean -->
                                  a figure drawn at build time by docsite/plots.py (FIGURES),
                                  in both palettes; the words after its name are its alt text
    <!-- mg:quiz act1 -->         the quiz of an act (QUIZ in docsite/live/exercises/act1.py),
                                  each answer computed
    <!-- mg:exercise act1-predict-encode -->
    ### Predict: a tiny vocabulary {#exercise-predict}
    The task, in the page's words.
    ??? tip "Hint"
        The hint.
    <!-- mg:end -->               an exercise: the lines up to mg:end are the page's own (a
                                  heading, the task, a folded hint); the starter code goes
                                  before the first fold, the folded solution after the last
                                  line, both included from docsite/live/exercises/act1_code.py
                                  (regions predict_encode_starter and _solution), and the check
                                  is EXERCISES["act1-predict-encode"] of act1.py
    <!-- mg:ladder-table -->      the table of every rung of the ladder
    <!-- mg:ladder-plot -->       the loss curves of every rung
    <!-- mg:ladder-diff microgpt/ladder/mlp.py microgpt/ladder/autograd.py -->
                                  a ```diff block from one file to the other; `path:region`
                                  compares one snippet region
    <!-- mg:ladder-holds mlp.held_out > bigram.held_out -->
                                  shows nothing; the build fails unless it holds (`<`, `>`, or
                                  `~` for "within a few hundredths"), so that a comparison the
                                  prose makes cannot outlive the results; each side is RUNG.FIELD
                                  or the difference of two (a.held_out-b.held_out)

Fences (```python, output blocks, continuation, notest, data-step) are described in
docsite/fences.py, and `--8<--` snippet lines are pymdownx.snippets' own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from mkdocs.exceptions import PluginError

VALUE = re.compile(r"\{\{\s*(?:(?P<space>ladder):)?(?P<name>[a-z][a-z0-9_]*)(?:\.(?P<field>[a-z_]+))?\s*\}\}")
DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)<!-- mg:(?P<name>\S+?)(?:[ \t]+(?P<args>.*?))?[ \t]*-->[ \t]*$")
END = "end"
# The page forms of other grammars, refused so that none lingers unread beside this one
FOREIGN = re.compile(r"<!-- mg:|<!-- *(?:quiz|ladder-)|\]\((?:\.\./)*plots/|"
                     r'<div class="mg-(?:figure|exercise)"')


@dataclass(frozen=True)
class Directive:
    """What a block directive writes in its line's place: text, or None for no line at all.
    A directive with a body (`block`) also takes its lines up to `<!-- mg:end -->`."""

    write: Callable[..., str | None]
    block: bool = False


# --- The directives -----------------------------------------------------------------------
# Each handler takes the words after the directive's name, as written, and raises ValueError
# (or PluginError) with one sentence when they are wrong.

def figure(args: str) -> str:
    from docsite.live import figures as live_figures

    if args not in live_figures.MARKUP:
        raise ValueError(f"unknown live figure {args!r}; known: {', '.join(live_figures.MARKUP)}")
    return live_figures.MARKUP[args].strip("\n")


def plot(args: str) -> str:
    from docsite import plots

    name, _, alt = args.partition(" ")
    if name not in plots.FIGURES:
        raise ValueError(f"unknown plot {name!r}; known: {', '.join(plots.FIGURES)}")
    if not alt.strip():
        raise ValueError(f"the plot {name} needs its alt text after its name")
    return plots.placeholder(name, alt.strip())


def quiz(args: str) -> str:
    from docsite import quizzes

    return quizzes.quiz_html(args)


def exercise(args: str, body: list[str]) -> str:
    from docsite.live import exercises

    if args not in exercises.all_exercises():
        raise ValueError(f"no check for the exercise {args!r} in docsite/live/exercises; "
                         f"known: {', '.join(exercises.all_exercises())}")
    act, _ = exercises.all_exercises()[args]
    starter, solution = (f'--8<-- "docsite/live/exercises/{act}_code.py:{exercise_region(args, kind)}"'
                         for kind in ("starter", "solution"))
    fold = next((k for k, line in enumerate(body) if line.lstrip().startswith("???")), len(body))
    return "\n".join([f'<div class="mg-exercise" data-exercise="{args}" markdown>', *body[:fold],
                      "```{.python .exercise}", starter, "```", "", *body[fold:],
                      '??? success "Solution"', "    ```{.python .exercise .solution}",
                      f"    {solution}", "    ```", "", "</div>"])


def exercise_region(name: str, kind: str) -> str:
    """act1-break-bos, "starter" -> break_bos_starter: the region of actN_code.py that holds it."""
    return name.split("-", 1)[1].replace("-", "_") + "_" + kind


def ladder_table(args: str) -> str:
    from docsite import ladder

    no_arguments("ladder-table", args)
    return ladder.table(ladder.load_results())


def ladder_plot(args: str) -> str:
    from docsite import ladder

    no_arguments("ladder-plot", args)
    return ladder.plot(ladder.load_results())


def ladder_diff(args: str) -> str:
    from docsite import ladder

    refs = args.split()
    if len(refs) != 2:
        raise ValueError("ladder-diff takes two files, `path` or `path:region`: from one, to the other")
    return ladder.diff_block(*refs)


def ladder_holds(args: str) -> None:
    from docsite import ladder

    ladder.holds(ladder.load_results(), args)
    return None


def no_arguments(name: str, args: str) -> None:
    if args:
        raise ValueError(f"{name} takes no arguments, and has {args!r}")


DIRECTIVES = {
    "figure": Directive(figure),
    "plot": Directive(plot),
    "quiz": Directive(quiz),
    "exercise": Directive(exercise, block=True),
    "ladder-table": Directive(ladder_table),
    "ladder-plot": Directive(ladder_plot),
    "ladder-diff": Directive(ladder_diff),
    "ladder-holds": Directive(ladder_holds),
}


def value(space: str | None, name: str, field: str | None) -> str:
    """The text of one {{ ... }}."""
    if space == "ladder":
        from docsite import ladder

        return ladder.fact(ladder.load_results(), name, field)
    from docsite import facts

    known = facts.computed()
    if field is not None or name not in known:
        raise ValueError(f"unknown fact {{{{ {name}{'.' + field if field else ''} }}}}; known: {', '.join(known)}")
    return known[name]


# --- The dispatcher -----------------------------------------------------------------------

def expand(markdown: str, page: str = "the page", first_line: int = 1) -> str:
    """The page's Markdown with every value and directive filled in.

    first_line: the number, in the file, of the markdown's first line (MkDocs hands a hook
    the page without its front matter), so that a message points at the line as written."""
    lines = markdown.split("\n")
    out: list[str] = []
    k = 0
    while k < len(lines):
        where = f"{page}:{first_line + k}"
        line = fill_values(lines[k], where)
        match = DIRECTIVE.match(line)
        if not match:
            foreign = FOREIGN.search(line)
            if foreign:
                raise PluginError(f"{where}: {foreign.group(0)!r} is not a directive of this site; "
                                  f"write `<!-- mg:NAME ... -->`, NAME one of: {', '.join(DIRECTIVES)} "
                                  "(docsite/directives.py lists them with examples)")
            out.append(line)
            k += 1
            continue
        indent, name, args = match["indent"], match["name"], match["args"] or ""
        directive = DIRECTIVES.get(name)
        if directive is None:
            raise PluginError(f"{where}: unknown directive <!-- mg:{name} -->; known: {', '.join(DIRECTIVES)} "
                              "(docsite/directives.py lists them with examples)")
        try:
            if directive.block:
                end = next((j for j in range(k + 1, len(lines)) if lines[j] == f"{indent}<!-- mg:{END} -->"), None)
                if end is None:
                    raise ValueError(f"no `{indent}<!-- mg:{END} -->` closes it")
                body = [fill_values(lines[j], f"{page}:{first_line + j}") for j in range(k + 1, end)]
                text = directive.write(args, [b[len(indent):] for b in body])
                k = end + 1
            else:
                text = directive.write(args)
                k += 1
        except (ValueError, KeyError, PluginError) as error:
            message = error.message if isinstance(error, PluginError) else str(error)
            raise PluginError(f"{where}: <!-- mg:{name} -->: {message}") from error
        if text is not None:
            out += [indent + piece if piece else piece for piece in text.split("\n")]
    return "\n".join(out)


def fill_values(line: str, where: str) -> str:
    def one(match: re.Match) -> str:
        try:
            return value(match["space"], match["name"], match["field"])
        except (ValueError, PluginError) as error:
            message = error.message if isinstance(error, PluginError) else str(error)
            raise PluginError(f"{where}: {message}") from error

    return VALUE.sub(one, line) if "{{" in line else line


def first_line_of(markdown: str, source: str) -> int:
    """The line of the file `source` on which `markdown` (its text after the front matter) starts."""
    at = source.rfind(markdown.strip()) if markdown.strip() else -1
    return source.count("\n", 0, at) + 1 - (len(markdown) - len(markdown.lstrip("\n"))) if at >= 0 else 1


def directive_names(markdown: str) -> list[tuple[str, str]]:
    """(name, args) of every block directive of a page's Markdown, in page order."""
    return [(m["name"], m["args"] or "") for m in map(DIRECTIVE.match, markdown.split("\n")) if m]
