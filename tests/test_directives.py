"""The page grammar (docsite/directives.py): one dispatcher, one error for what it does not know."""

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from docsite import directives
from docsite.live import figures as live_figures

ROOT = Path(__file__).resolve().parents[1]


def test_an_unknown_directive_names_the_page_the_line_and_the_known_ones():
    page = "Some text.\n\n<!-- mg:figur train -->\n"
    with pytest.raises(PluginError) as error:
        directives.expand(page, "act-9.md", first_line=5)
    message = str(error.value)
    assert message.startswith("act-9.md:7: unknown directive <!-- mg:figur -->")
    assert all(name in message for name in directives.DIRECTIVES)


@pytest.mark.parametrize("line", ["<!-- quiz: act1 -->", "    <!-- ladder-table -->",
                                  "![a plot](plots/loss-curve.svg)",
                                  '<div class="mg-figure" data-figure="train">',
                                  "text <!-- mg:quiz act1 --> text"])
def test_another_grammar_is_refused_rather_than_left_unread(line):
    with pytest.raises(PluginError, match=r"^the page:2: .* is not a directive of this site"):
        directives.expand("Text.\n" + line)


@pytest.mark.parametrize("line", ["<!-- mg:figure nope -->", "<!-- mg:quiz act9 -->",
                                  "<!-- mg:plot nope An alt text -->", "<!-- mg:plot loss-curve -->",
                                  "<!-- mg:ladder-table extra -->", "<!-- mg:ladder-diff one -->",
                                  "<!-- mg:exercise act1-predict-encode -->\nNo end.",
                                  "{{ no_such_fact }}"])
def test_a_directive_that_cannot_be_filled_in_fails_with_its_line(line):
    with pytest.raises(PluginError, match=r"^the page:1: "):
        directives.expand(line)


def test_every_directive_is_documented_with_an_example():
    for name in directives.DIRECTIVES:
        assert f"<!-- mg:{name}" in directives.__doc__, name


def test_a_figure_is_its_markup_from_the_figures_module():
    for name, markup in live_figures.MARKUP.items():
        assert directives.expand(f"<!-- mg:figure {name} -->") == markup.strip("\n")
        assert f'data-figure="{name}"' in markup
    assert set(live_figures.MARKUP) == set(live_figures.FIELDS)


def test_an_exercise_gets_its_starter_before_the_hint_and_its_solution_at_the_end():
    page = ("  <!-- mg:exercise act1-break-bos -->\n\n  ### Break it\n\n  The task.\n\n"
            '  ??? tip "Hint"\n      The hint.\n\n  <!-- mg:end -->\nAfter.')
    lines = directives.expand(page).split("\n")
    starter = '  --8<-- "docsite/live/exercises/act1_code.py:break_bos_starter"'
    solution = '      --8<-- "docsite/live/exercises/act1_code.py:break_bos_solution"'
    assert lines[0] == '  <div class="mg-exercise" data-exercise="act1-break-bos" markdown>'
    assert lines.index(starter) < lines.index('  ??? tip "Hint"') < lines.index(solution)
    assert lines[-2:] == ["  </div>", "After."]


def test_a_plot_keeps_its_alt_text_with_values_filled_in():
    text = directives.expand("<!-- mg:plot attention The {{ n_head }} heads -->")
    assert re.fullmatch(r"!\[The \d+ heads\]\(plots/attention\.svg\)", text)


def test_every_page_expands_and_keeps_its_runnable_fences():
    from docsite import fences

    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        expanded = directives.expand(text, page.name)
        assert "<!-- mg:" not in expanded, page.name
        assert ([r.code for r in fences.runnable_fences(expanded)]
                == [r.code for r in fences.runnable_fences(text)]), page.name


def test_a_message_counts_lines_as_the_file_has_them_front_matter_included():
    source = "---\ntyped: []\n---\n# Title\n\n<!-- mg:nope -->\n"
    markdown = "# Title\n\n<!-- mg:nope -->\n"  # what MkDocs hands the hook: no front matter
    with pytest.raises(PluginError, match=r"^page\.md:6: unknown directive"):
        directives.expand(markdown, "page.md", directives.first_line_of(markdown, source))
