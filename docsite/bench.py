"""The command line every benchmark of benchmarks/ shares, so each script holds only what it measures.

    bench = Bench("flood.py", __doc__, "flood.json")
    bench.parser.add_argument("--seconds", type=float, default=10, help="...")
    args = bench.parse(check=lambda args: None if args.seconds > 0 else "--seconds must be positive")
    with bench.served(args) as (server, directory):   # --site, or a site built now into a scratch folder
        measured = measure(server.url, args.seconds)
    bench.write(args, measured)                       # dated, with the machine and its load average

Every benchmark takes --site (a site already built; by default one is built for the address it
is served from) and --out (its results file, benchmarks/results/NAME by default). Bad input is
one line on stderr, "NAME: error: ...", and exit status 2. The load average (1 minute) is read
before and after the measuring, since the machine may be shared: the ratios a benchmark
measures in one run hold on a busy machine, its absolute times do not. `GzipHandler` serves the
site compressed, the way a static host does, for the benchmarks that weigh pages.
"""

import argparse
import contextlib
import datetime
import gzip
import io
import json
import os
import platform
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

from docsite.served import ROOT, LocalServer, QuietHandler, not_a_built_site, served_site

RESULTS = ROOT / "benchmarks" / "results"
COMPRESSED_SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


class GzipHandler(QuietHandler):
    """Serves text files gzip-compressed to a client that accepts it, as GitHub Pages does."""

    compressed = {}  # path -> gzip bytes, computed once

    def send_head(self):
        path = self.translate_path(self.path)  # a str: http.server works in os.path
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts_gzip and path.endswith(COMPRESSED_SUFFIXES) and os.path.isfile(path)):
            return super().send_head()
        if path not in self.compressed:
            self.compressed[path] = gzip.compress(Path(path).read_bytes(), compresslevel=6)
        body = self.compressed[path]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


class Bench:
    """One benchmark's command line, the site it measures, the machine's load and its results file."""

    def __init__(self, name: str, doc: str, results: str):
        self.name = name  # the script's file name, which starts each error line
        self.parser = argparse.ArgumentParser(prog=name, description=doc.split("\n\n")[0],
                                              formatter_class=argparse.RawDescriptionHelpFormatter)
        self.parser.add_argument("--site", type=Path,
                                 help="a site already built with `mkdocs build -d DIR` (default: build one now)")
        self.parser.add_argument("--out", type=Path, default=RESULTS / results,
                                 help=f"the JSON results file (default: {(RESULTS / results).relative_to(ROOT)})")
        self.load_before = self.load_after = None

    def parse(self, argv: list[str] | None = None,
              check: Callable[[argparse.Namespace], str | None] = lambda args: None) -> argparse.Namespace:
        """The arguments, once `check` (what is wrong with them, or None) and --site have passed."""
        args = self.parser.parse_args(argv)
        problem = check(args) or not_a_built_site(args.site)
        if problem:
            self.fail(problem)
        return args

    def fail(self, problem: str) -> NoReturn:
        """Bad input: one line on stderr, exit status 2."""
        print(f"{self.name}: error: {problem}", file=sys.stderr)
        sys.exit(2)

    @contextlib.contextmanager
    def served(self, args: argparse.Namespace, handler: type = QuietHandler) -> Iterator[tuple[LocalServer, Path]]:
        """The site of --site (or one built now) served on 127.0.0.1: yields (server, directory),
        and reads the load average as the measuring starts and ends."""
        self.load_before = round(os.getloadavg()[0], 2)
        with served_site(args.site, handler=handler) as (server, directory):
            yield server, directory
        self.load_after = round(os.getloadavg()[0], 2)

    def load(self) -> str:
        """How busy the machine was, for the printed table."""
        return (f"load average (1 min) on {os.cpu_count()} cores: {self.load_before:.1f} before, "
                f"{self.load_after:.1f} after")

    def write(self, args: argparse.Namespace, measured: dict) -> Path:
        """Write the results file: the date, the machine and its load, then what was measured."""
        results = {
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "machine": {"platform": platform.platform(), "cores": os.cpu_count(), "python": platform.python_version()},
            "load_average_1min": {"before": self.load_before, "after": self.load_after},
            **measured,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        out = args.out.resolve()
        shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
        print(f"written to {shown}")
        return args.out
