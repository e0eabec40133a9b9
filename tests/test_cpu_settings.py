"""The CPU settings the suite is also run under really change NumPy's code path.

A NumPy output on a page must print the same on every machine. The suite proves it by running
the docs again with NumPy's SIMD dispatch turned off and with another OpenBLAS kernel:

    NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR" .venv/bin/pytest -n 2 docs
    OPENBLAS_CORETYPE=Sandybridge .venv/bin/pytest -n 2 docs

NumPy ignores names it does not dispatch on, without a word (NumPy 2.4 dispatches on X86_V3,
X86_V4, AVX512_ICL and AVX512_SPR; the older AVX2, FMA3, AVX512F... change nothing), so such a
run could prove nothing. conftest.py refuses to start one, and prints the code path it took in
the run's header; these tests check both, in fresh processes.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ACTIVE = ("from numpy._core._multiarray_umath import __cpu_dispatch__ as d, __cpu_features__ as f; "
          "print(' '.join(t for t in d if f.get(t)))")
HEADER = "numpy code path: "


def environment(**settings):
    env = {k: v for k, v in os.environ.items() if k not in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE")}
    return dict(env, **settings)


def active_targets(**settings):
    done = subprocess.run([sys.executable, "-c", ACTIVE], env=environment(**settings),
                          capture_output=True, text=True, check=True)
    return done.stdout.split()


def header_line(**settings):
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only",
                           "tests/test_cpu_settings.py"],
                          cwd=ROOT, env=environment(**settings), capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.split("\n") if line.startswith(HEADER)]
    return done, lines


def test_numpys_own_target_names_turn_its_dispatch_off():
    here = active_targets()
    if not here:
        pytest.skip("this CPU runs none of NumPy's dispatch targets: the setting has nothing to turn off")
    assert active_targets(NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR") == []


def test_a_run_under_the_setting_says_which_path_it_took():
    done, lines = header_line(NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(lines) == 1 and lines[0].startswith(HEADER + "dispatch targets none (the baseline)")


def test_names_numpy_ignores_refuse_to_start_the_run():
    done, _ = header_line(NPY_DISABLE_CPU_FEATURES="AVX2 FMA3 AVX512F")
    assert done.returncode == 4  # pytest's usage error
    assert "NPY_DISABLE_CPU_FEATURES names AVX2 FMA3 AVX512F, which this NumPy does not dispatch on" in done.stderr


def test_another_openblas_kernel_is_the_one_that_runs():
    done, lines = header_line(OPENBLAS_CORETYPE="Sandybridge")
    assert done.returncode == 0, done.stdout + done.stderr
    if "OpenBLAS kernel unknown" in lines[0]:
        pytest.skip("this NumPy does not bundle OpenBLAS: there is no kernel to choose")
    assert lines[0].endswith("OpenBLAS kernel Sandybridge")
