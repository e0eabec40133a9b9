"""The built site: which pages it has, building it, serving it, and what its HTML holds.

Used by the browser tests (the `site` fixture in tests/conftest.py), tests/test_links.py, the
benchmarks, and docsite/chromium.py, which drives the served site in a browser.

A site is built strictly into a scratch folder, with site_url set to the local address it is
served from: Material's instant navigation only takes over links that lie under site_url, and
the sitemap, the canonical links and the 404 page all carry that address. mkdocs.yml reads
site_url from the SITE_URL environment variable for this reason.

The pages come from the nav in mkdocs.yml (so that each test id names its page at collection
time, before anything is built); a test checks that they are exactly the pages of the built
sitemap.
"""

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
MKDOCS_YML = ROOT / "mkdocs.yml"


# --- The pages, from the nav ----------------------------------------------------

class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running any of its tags: `!ENV [NAME, default]`
    gives the default, every other tag (!relative, !!python/name) gives None."""


def _env_default(loader, node):
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)[-1]
    return None


_ConfigLoader.add_constructor("!ENV", _env_default)
_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@functools.cache
def mkdocs_config() -> dict:
    return yaml.load(MKDOCS_YML.read_text(encoding="utf-8"), Loader=_ConfigLoader)


def page_url(source: str) -> str:
    """The address of a page relative to the site root (use_directory_urls):
    act-1-world.md -> act-1-world/, source/index.md -> source/, index.md -> ''."""
    path = Path(source)
    parent = "" if str(path.parent) == "." else f"{path.parent.as_posix()}/"
    if path.stem in ("index", "README"):
        return parent
    return f"{parent}{path.stem}/"


def page_id(url: str) -> str:
    """A page's name in test ids and reports: its address without the slash, "home" for the root."""
    return url.rstrip("/") or "home"


def nav_sources(nav):
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            yield from nav_sources(value)
        elif isinstance(value, str) and "://" not in value:
            yield value


@functools.cache
def nav_pages() -> tuple[tuple[str, str], ...]:
    """(url, source file) of every page, in nav order; every page of docs/ if there is no nav."""
    nav = mkdocs_config().get("nav")
    if nav:
        sources = list(nav_sources(nav))
    else:
        docs = ROOT / mkdocs_config().get("docs_dir", "docs")
        sources = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    return tuple((page_url(source), source) for source in sources)


def published_url() -> str:
    """The site's public address: site_url's default in mkdocs.yml."""
    return mkdocs_config()["site_url"]


# --- What a built page holds, read from its HTML --------------------------------

class PageFacts(HTMLParser):
    """The ids, links and rendering work (diagrams, maths, images, notebook
    outputs) of one built HTML page, as the build wrote it."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []  # (tag, attribute, value, rel)
        self.diagrams = 0  # <div class="diagram">: a mermaid drawing inlined by docsite/diagrams.py
        self.formulas = 0  # elements of class arithmatex, which KaTeX typesets
        self.images = 0
        self.notebook = False
        self.notebook_outputs = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        if tag == "div" and "diagram" in classes:
            self.diagrams += 1
        if "arithmatex" in classes:
            self.formulas += 1
        if tag == "img":
            self.images += 1
        if "jp-Notebook" in classes:
            self.notebook = True
        if "jp-OutputArea-output" in classes:
            self.notebook_outputs += 1
        for name in ("href", "src"):
            if attributes.get(name) is not None:
                self.links.append((tag, name, attributes[name], (attributes.get("rel") or "").lower()))


# --- Building and serving ---------------------------------------------------------

def build_site(directory: Path, site_url: str) -> None:
    """`mkdocs build --strict` into `directory`, with site_url set to `site_url`."""
    env = {**os.environ, "SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(MKDOCS_YML), "--site-dir", str(directory)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip().splitlines()
        raise RuntimeError("mkdocs build --strict failed:\n" + "\n".join(output[-40:]))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """Says nothing when the browser hangs up mid-file (a page navigated away, a worker
    terminated by Stop): that is the browser's right, not an error of the site."""

    # socketserver's listen backlog is 5 connections. Chromium opens many at once (the server
    # speaks HTTP/1.0: one connection per file), and on a busy machine the accepting thread
    # can fall behind: the kernel then drops the surplus and the browser retries seconds later.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class LocalServer:
    """A threaded HTTP server for `directory` on a free port of 127.0.0.1, in this
    process. The port is known before anything is built, so the build can use it."""

    def __init__(self, directory, handler=QuietHandler):
        self.httpd = QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def not_a_built_site(site: Path | None) -> str | None:
    """Why `site` (a benchmark's --site) cannot be served, in one line; None if it can."""
    if site is not None and not (Path(site) / "index.html").is_file():
        return f"{site} is not a built site (no index.html): run `make build` or leave out --site"
    return None


@contextlib.contextmanager
def served_site(site: Path | None = None, handler: type = QuietHandler) -> Iterator[tuple[LocalServer, Path]]:
    """Serve `site` (a built site) on 127.0.0.1; without one, build the site into a scratch
    folder first, for the address it is served from (canonical links, sitemap), as the
    tests' own site is. Yields (server, directory); the scratch folder goes afterwards."""
    with tempfile.TemporaryDirectory(prefix="microgpt-site-") as scratch:
        directory = Path(site).resolve() if site is not None else Path(scratch)
        with LocalServer(directory, handler=handler) as server:
            if site is None:
                print("building the site ...", file=sys.stderr, flush=True)
                build_site(directory, server.url)
            yield server, directory


@dataclass
class Site:
    """A built site and the address it is served from."""

    directory: Path
    url: str  # ends with "/"
    _facts: dict = field(default_factory=dict, repr=False)

    def file_for(self, url: str) -> Path | None:
        """The file that serves `url` (absolute, under self.url), or None."""
        path = urlsplit(url).path
        relative = path[len(urlsplit(self.url).path):]
        target = self.directory / unquote(relative)
        if relative == "" or relative.endswith("/") or target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def facts(self, url: str) -> PageFacts:
        """PageFacts of the page at `url` (relative to the site root or absolute)."""
        target = self.file_for(urljoin(self.url, url))
        if target not in self._facts:
            self._facts[target] = PageFacts(target.read_text(encoding="utf-8"))
        return self._facts[target]

    def sitemap_pages(self) -> list[str]:
        """Every page the build lists in sitemap.xml, relative to the site root."""
        tree = ElementTree.parse(self.directory / "sitemap.xml")
        locations = [loc.text.strip() for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        # The build's site_url: this address, or for a site built elsewhere its home page's.
        root = self.url if all(loc.startswith(self.url) for loc in locations) else min(locations, key=len)
        return [loc.removeprefix(root) for loc in locations]

    def html_files(self) -> list[Path]:
        return sorted(self.directory.rglob("*.html"))

    def url_of(self, html_file: Path) -> str:
        relative = html_file.relative_to(self.directory).as_posix()
        return self.url + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative)
