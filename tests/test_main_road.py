"""benchmarks/main_road.py counts what a reader meets without opening anything, at the rates of
a beginner: 200 words a minute, 6 s a line of code, 2 s a line of output; and on the
site the tests build, every page with a target meets it (each act 15 minutes, Home 10, the
ladder, the complete picture and the efficiency page 20), so a paragraph that breaks a page's
budget fails the suite with the page's minutes."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "main_road.py"


def main_road():
    spec = importlib.util.spec_from_file_location("main_road", SCRIPT)  # a script, not a package
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PAGE = """<html><body><nav>Navigation words are not read</nav>
<article class="md-content__inner md-typeset">
<h1 id="t">Act 9 <a class="headerlink" href="#t">¶</a></h1>
<p>Five words of plain prose.</p>
<details class="info"><summary>Look closer</summary><p>Folded words cost nothing here at all.</p></details>
<details class="tip" open><summary>Open</summary><p>Three more words.</p></details>
<div class="language-python highlight"><pre><span></span><code>a = 1
b = 2
print(a + b)
</code></pre></div>
<div class="language-text output highlight"><pre><span></span><code>3
</code></pre></div>
<div class="tabbed-set"><div class="tabbed-labels"><label>One</label><label>Two</label></div>
<div class="tabbed-content"><div class="tabbed-block"><p>Shown tab.</p></div>
<div class="tabbed-block"><p>Hidden tab words are not read.</p></div></div></div>
<div class="jp-OutputArea jp-Cell-outputArea"><div class="jp-OutputPrompt">Out[1]:</div><pre>x
y</pre></div><div class="clipboard-copy-txt">a hidden copy for the copy button</div>
<p hidden>Hidden words.</p><svg><text>drawn words</text></svg><script>var x = 1;</script>
<h2 id="exercises">Exercises</h2><p>Exercise prose is aside.</p>
<div class="mg-exercise" data-exercise="x"><pre><code>code</code></pre></div>
<h2 id="quiz">Quiz</h2><ol class="quiz"><li>A question?</li></ol>
<h2 id="after">After</h2><p>Two words.</p>
</article><footer>Footer words</footer></body></html>"""


def test_the_main_road_counts_only_what_a_reader_meets_unopened():
    total, sections = main_road().measure_html(PAGE)
    # words: "Act 9" 2 + 5 + "Open" and "Three more words." 4 + "One Two" 2 + "Shown tab." 2 + "After" 1 + 2
    # lines: 3 of code; 1 of an output block and 2 of a notebook cell's output
    assert (total["words"], total["code_lines"], total["output_lines"]) == (18, 3, 3)
    assert total["minutes"] == round((18 * 60 / 200 + 3 * 6 + 3 * 2) / 60, 2)
    assert [s["section"] for s in sections] == ["(top)", "after"]


def test_bad_input_is_one_line_and_exit_status_2(tmp_path):
    for args, said in ((["--site", str(tmp_path)], "is not a built site"),
                       (["--site", str(_one_page_site(tmp_path)), "--page", "nope"], "no page 'nope'")):
        result = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and said in result.stderr and not result.stdout


def _one_page_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    return site


def test_the_table_and_results_name_each_page_with_its_target(tmp_path):
    site = _one_page_site(tmp_path)
    out = tmp_path / "main_road.json"
    result = subprocess.run([sys.executable, str(SCRIPT), "--site", str(site), "--out", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].split() == ["index", "18", "3", "3", "0.5", "10", "yes"]
    assert '"page": "index"' in out.read_text(encoding="utf-8")


def test_a_page_over_its_target_is_reported(tmp_path):
    site = _one_page_site(tmp_path)
    (site / "act-1-world").mkdir()
    words = " ".join(["word"] * 3010)  # 3010 / 200 = 15.05 minutes
    (site / "act-1-world" / "index.html").write_text(
        f'<article class="md-content__inner"><p>{words}</p></article>', encoding="utf-8")
    rows = {r["page"]: r for r in main_road().measure_site(site)}
    assert (rows["act-1-world"]["minutes"], rows["act-1-world"]["meets"]) == (15.05, False)
    assert rows["index"]["meets"] is True


@pytest.mark.xdist_group("site")  # the same worker, and so the same build, as the browser tests
def test_every_page_meets_its_main_road_target(site):
    rows = main_road().measure_site(site.directory)
    assert {r["page"] for r in rows if r["target"] is not None} == set(main_road().TARGETS)
    over = [f"{r['page']}: {r['minutes']:.1f} minutes, target {r['target']}" for r in rows if r["meets"] is False]
    assert not over, ("main road over its target (python benchmarks/main_road.py --site SITE --page PAGE "
                      "shows where the minutes go): " + "; ".join(over))
