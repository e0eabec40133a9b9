"""The files the in-page Python opens, as one archive the browser's worker unpacks.

What the fences open, at the paths they open them by (relative to the repository root, as in
the tests): the package, its data, the reference checkpoint, the saved benchmark results, and
the Python of docsite/live/ (figures, exercises, the stepper). docs/javascripts/runtime-worker.js
fetches runtime/repository.zip and unpacks it into /repo, its working folder.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

ROOT = Path(__file__).resolve().parents[1]
REPOSITORY_FILES = ["microgpt/**/*.py", "microgpt/names.txt", "data/names.txt",
                    "docs/checkpoints/*", "docsite/__init__.py", "docsite/live/**/*.py",
                    "benchmarks/results/*.json"]
REPOSITORY_ZIP = "runtime/repository.zip"


def repository_zip() -> bytes:
    """The archive's bytes: the same for the same files (fixed dates, sorted names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for pattern in REPOSITORY_FILES:
            for path in sorted(ROOT.glob(pattern)):
                if "__pycache__" not in path.parts:
                    info = zipfile.ZipInfo(path.relative_to(ROOT).as_posix(), (1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, path.read_bytes())  # a symlink's target, read through it
    return buffer.getvalue()


def add_archive(files: Files, config: MkDocsConfig) -> Files:
    from mkdocs.structure.files import File

    files.append(File.generated(config, REPOSITORY_ZIP, content=repository_zip()))
    return files
