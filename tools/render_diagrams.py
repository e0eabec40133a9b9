"""Draw every ```mermaid fence of the site into docs/diagrams/<digest>.svg (`make diagrams`).

Run it after changing a diagram in a page; commit what it writes. The build
(docsite/diagrams.py) inlines these drawings and fails, naming this command,
when a fence has none. Needs what the browser tests need: Playwright, Debian's
chromium and node_modules/mermaid. Nothing is fetched from the network.

Each diagram is drawn with mermaid's `base` theme, every colour set to a
placeholder; the placeholders are then replaced by Material's CSS variables, so
one drawing follows the light and the dark palette. A colour mermaid derived on
its own (not a placeholder) stops the script: it would not follow the palette.

    .venv/bin/python tools/render_diagrams.py          # draw what is missing, drop the orphans
    .venv/bin/python tools/render_diagrams.py --check  # only say what is missing (exit 1)
    .venv/bin/python tools/render_diagrams.py --force  # redraw everything
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from docsite import diagrams  # (the hook: one definition of a fence and of its digest)
from docsite.chromium import CHROMIUM, CHROMIUM_ARGS

MERMAID_JS = ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
# Material's text font when theme.font is false: the widths mermaid measures are the page's.
FONT = "-apple-system, BlinkMacSystemFont, Helvetica, Arial, sans-serif"

# placeholder colour -> the CSS that replaces it in the drawing. Material's own variables, with
# no fallback: a drawing is only ever seen inline. The placeholders are not the plots' (those
# are docsite/svg.py's roles), so that a placeholder colour means one thing in the repository.
PALETTE = {
    "#0a0a0a": "var(--md-default-fg-color)",           # text
    "#0b0b0b": "var(--md-code-bg-color)",              # node fill
    "#0c0c0c": "var(--md-default-fg-color--light)",    # node border, lines and arrows
    "#0d0d0d": "var(--md-default-bg-color)",           # page background, edge labels
    "#0e0e0e": "var(--md-default-fg-color--lightest)",  # subgraph fill
    "#0f0f0f": "var(--md-default-fg-color--lighter)",  # subgraph border
    "rgba(13, 13, 13, 0.5)": "var(--md-default-bg-color)",  # label backgrounds (mermaid's half-transparent background)
}
TEXT, NODE, LINE, BACKGROUND, CLUSTER, CLUSTER_BORDER = list(PALETTE)[:6]
THEME_VARIABLES = {
    "fontFamily": FONT,
    "fontSize": "16px",
    "background": BACKGROUND,
    "primaryColor": NODE, "secondaryColor": NODE, "tertiaryColor": CLUSTER,
    "primaryTextColor": TEXT, "secondaryTextColor": TEXT, "tertiaryTextColor": TEXT,
    "primaryBorderColor": LINE, "secondaryBorderColor": LINE, "tertiaryBorderColor": CLUSTER_BORDER,
    "mainBkg": NODE, "nodeBorder": LINE, "nodeTextColor": TEXT, "textColor": TEXT, "titleColor": TEXT,
    "lineColor": LINE, "defaultLinkColor": LINE, "arrowheadColor": LINE,
    "clusterBkg": CLUSTER, "clusterBorder": CLUSTER_BORDER,
    "edgeLabelBackground": BACKGROUND, "labelBackground": BACKGROUND,
    # sequence diagrams (Act 4)
    "actorBkg": NODE, "actorBorder": LINE, "actorTextColor": TEXT, "actorLineColor": LINE,
    "signalColor": LINE, "signalTextColor": TEXT, "labelBoxBkgColor": NODE, "labelBoxBorderColor": LINE,
    "labelTextColor": TEXT, "loopTextColor": TEXT, "noteBkgColor": CLUSTER, "noteBorderColor": CLUSTER_BORDER,
    "noteTextColor": TEXT, "activationBkgColor": NODE, "activationBorderColor": LINE, "sequenceNumberColor": BACKGROUND,
}
CONFIG = {
    "startOnLoad": False,
    "theme": "base",
    "themeVariables": THEME_VARIABLES,
    "securityLevel": "strict",
    "fontFamily": FONT,
    # Labels as SVG text, not HTML in <foreignObject>: no clipped label when the reader's font is wider.
    "htmlLabels": False,
    "flowchart": {"htmlLabels": False, "useMaxWidth": True},
    # Act 4: narrower participants, and no second row of them under the messages.
    "sequence": {"useMaxWidth": True, "width": 110, "actorMargin": 30, "mirrorActors": False},
}

RENDER = """async ([id, source, config]) => {
  mermaid.initialize(config)
  const { svg } = await mermaid.render(id, source)
  return svg
}"""

COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)|hsla?\([^)]*\)")
# Named colours that may survive as a value: none, transparent, currentColor are fine.
NAMED = re.compile(r"(?:fill|stroke|color|background(?:-color)?)\s*[:=]\s*\"?(black|white|red|grey|gray|lightgrey)\b", re.I)


# Style rules of mermaid's that these diagrams never use (the "neo" look, animations,
# tooltips, icons, maths in labels, error drawings): dropped, a few KB per diagram.
UNUSED_RULE = re.compile(r'data-look="neo"|@keyframes|edge-animation|mermaidTooltip|error-|katex|icon|image-shape'
                         r"|collapsed-|:root|\.neo-|state-start|actorPopupMenu")
CSS_RULE = re.compile(r"@[^{]+\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}|[^{}]+\{[^{}]*\}")
# Consecutive words of one label line, each its own <tspan>: one element per line is enough.
WORD_BREAK = '</tspan><tspan font-style="normal" class="text-inner-tspan" font-weight="normal">'
SHADOW = re.compile(r"(?:filter:\s*drop-shadow|box-shadow)(?:[^;(){}]|\((?:[^()]|\([^()]*\))*\))*;?")


def slim(svg, prefix):
    """What the page needs of mermaid's SVG: the rules, markers and attributes it uses, and
    every id under `prefix` (mermaid leaves some bare, "actor0", which two diagrams would share)."""
    def used_part(rule):  # the rule with only the selectors that may match: "" if none
        if rule.startswith("@"):
            return "" if UNUSED_RULE.search(rule) else rule
        selectors, body = rule.split("{", 1)
        kept = [s for s in selectors.split(",") if not UNUSED_RULE.search(s)]
        return ",".join(kept) + "{" + body if kept and not UNUSED_RULE.search(body) else ""

    def style(match):
        rules = [used_part(r) for r in CSS_RULE.findall(match.group(1))]
        return "<style>" + SHADOW.sub("", "".join(rules)) + "</style>"
    svg = re.sub(r"<style>(.*?)</style>", style, svg, flags=re.DOTALL)
    svg = re.sub(r' data-points="[^"]*"', "", svg)
    svg = re.sub(r' style="(?:;?\s*)"', "", svg)
    svg = svg.replace(WORD_BREAK, "").replace("<defs></defs>", "")
    used = set(re.findall(r"url\(#([^)]+)\)", svg))
    def unless_used(match):
        return match.group(0) if match.group("id") in used else ""
    for element in (r'<marker id="(?P<id>[^"]+)".*?</marker>', r'<defs><filter id="(?P<id>[^"]+)".*?</filter></defs>',
                    r'<linearGradient id="(?P<id>[^"]+)".*?</linearGradient>'):
        svg = re.sub(element, unless_used, svg, flags=re.DOTALL)
    bare = {i for i in re.findall(r' id="([^"]+)"', svg) if not i.startswith(prefix) and not i.startswith("chart-")}
    for name in sorted(bare, key=len, reverse=True):
        new = f"{prefix}-{name}"
        svg = svg.replace(f' id="{name}"', f' id="{new}"').replace(f"url(#{name})", f"url(#{new})")
        svg = svg.replace(f'href="#{name}"', f'href="#{new}"')
    # A picture with a name and a description, read as one image (WAI-ARIA's graphics pattern).
    svg = re.sub(r' role="[^"]*"', ' role="img"', svg, count=1)
    svg = re.sub(r' aria-roledescription="[^"]*"', "", svg, count=1)
    return svg


def to_palette(svg, name):
    """Replace the placeholders by Material's variables. A colour mermaid wrote as an attribute
    of its own (sequence diagrams' fill="#eaeaea") is dropped: the diagram's style rules, which
    win over attributes anyway, colour those shapes. Any other colour left over stops the script."""
    for placeholder, css in PALETTE.items():
        svg = re.sub(re.escape(placeholder), css, svg, flags=re.IGNORECASE)
    svg = re.sub(r' (?:fill|stroke|flood-color)="(?:#[0-9a-fA-F]{3,8}|rgba?\([^)]*\)|hsla?\([^)]*\))"', "", svg)
    left = sorted(set(COLOUR.findall(svg)) | set(NAMED.findall(svg)))
    # Ids and hrefs like "#diagram-..." are references, not colours.
    left = [c for c in left if not re.fullmatch(r"#[0-9a-f]{3,8}", c) or not re.search(re.escape(c) + r"[-_\w]", svg)]
    if left:
        raise SystemExit(f"{name}: mermaid drew colours that are not placeholders, so they would not "
                         f"follow the palette: {left}. Set the theme variable behind each in tools/render_diagrams.py.")
    return svg


# The drawing shown with each of Material's variables set to a colour of its own: every
# shape and every text must then be painted with one of those colours (or nothing). A
# shape left to the browser's default black would vanish on the dark palette.
TEST_COLOURS = {css[4:-1]: f"rgb({k + 1}, 7, 7)" for k, css in enumerate(dict.fromkeys(PALETTE.values()))}
CHECK_COLOURS = """allowed => {
  const bad = []
  for (const el of document.querySelectorAll("svg rect, svg path, svg circle, svg ellipse, svg polygon, svg polyline, svg line, svg text, svg tspan")) {
    if (el.closest("marker, defs")) continue
    const style = getComputedStyle(el)
    if (style.display === "none" || style.visibility === "hidden" || style.opacity === "0") continue
    const paints = el.tagName === "line" ? [style.stroke] : [style.fill, style.stroke]
    for (const paint of paints) {
      if (paint !== "none" && paint !== "rgba(0, 0, 0, 0)" && !allowed.includes(paint)) {
        bad.push(`${el.tagName}.${el.getAttribute("class") || ""}: ${paint}`)
      }
    }
  }
  return [...new Set(bad)]
}"""


def wanted():
    """{digest: (page, source)} for every fence of every page."""
    found = {}
    for page, sources in diagrams.page_fences().items():
        for source in sources:
            found.setdefault(diagrams.digest(source), (page.relative_to(ROOT), source))
    return found


def render(todo):
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"no Chromium at {CHROMIUM}: `make browser` installs Debian's chromium, or set CHROMIUM=")
    if not MERMAID_JS.exists():
        raise SystemExit(f"no {MERMAID_JS.relative_to(ROOT)}: run `npm ci` at the repository root")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.route("**/*", lambda route: route.abort())  # offline: mermaid needs nothing from the network
        page.set_content(f"<!doctype html><html><body style='font-family: {FONT}'></body></html>")
        page.add_script_tag(content=MERMAID_JS.read_text(encoding="utf-8"))
        for name, (where, source) in todo.items():
            svg = page.evaluate(RENDER, [diagrams.ID_PREFIX + name, source, CONFIG])
            what = f"{where}: {diagrams.title_of(source)!r}"
            svg = to_palette(slim(svg, diagrams.ID_PREFIX + name), what)
            variables = "".join(f"{var}: {colour};" for var, colour in TEST_COLOURS.items())
            page.evaluate("html => { document.body.innerHTML = html }", f"<style>:root {{{variables}}}</style>{svg}")
            bad = page.evaluate(CHECK_COLOURS, list(TEST_COLOURS.values()))
            if bad:
                raise SystemExit(f"{what}: shapes painted in a colour outside the palette: {bad[:8]}")
            (diagrams.DIAGRAMS / f"{name}.svg").write_text(svg + "\n", encoding="utf-8")
            print(f"drew {name}.svg  {where}: {diagrams.title_of(source)}")
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="draw nothing; exit 1 if a drawing is missing or orphaned")
    parser.add_argument("--force", action="store_true", help="redraw every diagram")
    args = parser.parse_args()
    diagrams.DIAGRAMS.mkdir(exist_ok=True)
    want = wanted()
    have = {p.stem for p in diagrams.DIAGRAMS.glob("*.svg")}
    todo = {n: v for n, v in want.items() if args.force or n not in have}
    orphans = sorted(have - set(want))
    if args.check:
        for name, (where, source) in todo.items():
            print(f"missing: {name}.svg  {where}: {diagrams.title_of(source)}")
        for name in orphans:
            print(f"orphan: {name}.svg (no fence draws it)")
        return 1 if todo or orphans else 0
    if todo:
        render(todo)
    for name in orphans:
        (diagrams.DIAGRAMS / f"{name}.svg").unlink()
        print(f"removed {name}.svg (no fence draws it any more)")
    print(f"{len(want)} diagrams, {len(todo)} drawn, {len(orphans)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
