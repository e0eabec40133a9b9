"""Every page of the built site passes an axe-core audit in both palettes.

axe-core (npm, node_modules/axe-core/axe.min.js from `npm ci`) is injected into each
page of the nav, opened in headless Chromium from the site built for this session, in
the light palette (desktop view) and the dark one, once its diagrams, maths and images
are drawn; diagrams are inline SVG (docsite/diagrams.py), so axe sees them.
Any violation of serious or critical impact fails the test, with the rule, its help
text and the first elements that break it. Minor and moderate findings are not checked.
"""

from pathlib import Path

import pytest

from docsite.chromium import Tab, wait_until_rendered
from docsite.served import ROOT, nav_pages, page_id

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PALETTES = ("desktop", "dark")  # views of docsite.chromium: the light palette and the dark one
FAILING_IMPACTS = ("serious", "critical")

# axe's findings, cut down to what a failure message needs.
RUN_AXE = """async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] })
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    count: v.nodes.length,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").split("\\n").slice(1, 2).join("").trim()),
  }))
}"""


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"no {AXE.relative_to(ROOT)}: run `npm ci` (axe-core is a dev dependency in package.json)", pytrace=False)
    return Path(AXE).read_text(encoding="utf-8")


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("url", [url for url, _ in nav_pages()], ids=page_id)
def test_no_serious_accessibility_violation(browser, site, axe_source, url, palette):
    tab = Tab(browser, site, palette)
    try:
        tab.page.goto(site.url + url)
        _, wrong = wait_until_rendered(tab, url)
        assert not wrong, f"{url or 'home'} ({palette}) did not render: {wrong}"
        # accessibility.js gives each scrollable block its tab stop while the page is idle
        tab.page.wait_for_selector("[data-scrollables-checked]", state="attached", timeout=30_000)
        tab.page.add_script_tag(content=axe_source)
        violations = tab.page.evaluate(RUN_AXE)
    finally:
        tab.context.close()
    serious = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not serious, f"/{url} ({palette} palette), axe-core violations:\n" + "\n".join(
        f"  {v['impact']} {v['id']} ({v['count']} elements): {v['help']}\n      " + "\n      ".join(v["nodes"])
        for v in serious
    )
