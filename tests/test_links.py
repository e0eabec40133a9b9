"""Every link of the built site, checked in its HTML (no browser, no network).

- A link inside the site (relative, or absolute under site_url or the published
  address) leads to a file of the build, and its #anchor to an id on that page.
- What a browser fetches by itself (scripts, stylesheets, icons, images, frames)
  comes from the site: the site works offline.
- A link to another site goes to a host in REVIEWED_HOSTS. Those links are
  listed, never fetched: whether a remote page still exists is not a test result.
"""

from urllib.parse import unquote, urljoin, urlsplit

import pytest

from docsite.served import published_url

pytestmark = pytest.mark.xdist_group("site")  # the same worker, and so the same build, as the browser tests

# Hosts the pages may link to, each with the reason a reader is sent there.
# A new host is added here on purpose, with its reason, in the same change as the link.
REVIEWED_HOSTS = {
    "github.com": "the project's repository (header, 'edit this page'), and the code it builds on: micrograd, nanoGPT, GPT-2",
    "gist.github.com": "Andrej Karpathy's original microgpt.py, which the package rewrites one module per act",
    "karpathy.github.io": "Andrej Karpathy's post of 2026-02-12 that explains microgpt.py",
    "pyodide.org": "Pyodide, the CPython build for the browser that runs the pages' code (served by the site itself)",
    "squidfunk.github.io": "Material for MkDocs, credited in the footer of every page",
    "pypi.org": "the package's own page (installed as microgpt-explained) and the tools it names",
    "arxiv.org": "the papers behind the model (Attention Is All You Need)",
    "cdn.openai.com": "the GPT-2 paper (Radford et al., 2019), which OpenAI publishes only as a PDF there",
    "docs.python.org": "Python's own documentation, for what the standard library does (pickle's warning)",
    "www.ssa.gov": "the U.S. Social Security Administration's name records, the source of data/names.txt",
}

SKIPPED_SCHEMES = ("mailto", "tel", "javascript", "data", "blob", "about")
FETCHED_BY_TAG = {"script", "img", "iframe", "source", "audio", "video", "embed", "track", "input"}
FETCHED_LINK_RELS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon"}


def every_link(site):
    """(page, tag, attribute, rel, absolute url) for every href and src of the build."""
    for html in site.html_files():
        page = site.url_of(html)
        facts = site.facts(page)
        for tag, attribute, value, rel in facts.links:
            value = value.strip()
            if urlsplit(value).scheme in SKIPPED_SCHEMES:
                continue
            yield page.removeprefix(site.url) or "/", tag, attribute, rel, urljoin(page, value)


def internal(site, url):
    """The same url under the local site_url if it points into the site, else None."""
    for root in (site.url, published_url()):
        if url.startswith(root):
            return site.url + url[len(root):]
    return None


def fetched_by_the_browser(tag, attribute, rel):
    return (attribute == "src" and tag in FETCHED_BY_TAG) or (tag == "link" and set(rel.split()) & FETCHED_LINK_RELS)


def test_internal_links_lead_to_files_and_anchors(site):
    broken = []
    checked = 0
    for page, tag, attribute, _, url in every_link(site):
        local = internal(site, url)
        if local is None:
            continue
        checked += 1
        target = site.file_for(local)
        if target is None:
            broken.append(f"{page}: <{tag} {attribute}> {url.removeprefix(site.url)!r}: no such file in the build")
            continue
        anchor = unquote(urlsplit(local).fragment)
        if anchor and target.suffix == ".html" and anchor not in site.facts(local).ids:
            broken.append(f"{page}: <{tag} {attribute}> {url.removeprefix(site.url)!r}: no id {anchor!r} on that page")
    assert checked, "no internal link found: is the build empty?"
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:60])


def test_the_browser_fetches_nothing_from_other_sites(site):
    remote = [
        f"{page}: <{tag} {attribute}> {url}"
        for page, tag, attribute, rel, url in every_link(site)
        if internal(site, url) is None and fetched_by_the_browser(tag, attribute, rel)
    ]
    assert not remote, "pages that would fetch from another site (the site must work offline):\n" + "\n".join(remote)


def test_links_to_other_sites_go_to_reviewed_hosts(site):
    by_host = {}
    for page, _, _, _, url in every_link(site):
        if internal(site, url) is None:
            by_host.setdefault(urlsplit(url).hostname, set()).add(page)
    unreviewed = {host: pages for host, pages in by_host.items() if host not in REVIEWED_HOSTS}
    assert not unreviewed, (
        "links to hosts not in REVIEWED_HOSTS (add each with its reason, or change the link):\n"
        + "\n".join(f"{host}: linked from {', '.join(sorted(pages))}" for host, pages in sorted(unreviewed.items()))
    )
