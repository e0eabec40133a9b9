"""Checkpoints that cannot be written: a full disk, a read-only folder, a folder in the way.

Same promise as every bad input: one line on stderr, exit status 2, and every file as it was; here
that means the previous checkpoint byte for byte, and no temporary file left beside it. The full
disk is a real one: a tmpfs of 256 KiB, mounted for the test (root only; skipped with the reason
otherwise).
"""

import errno  # errno.ENOSPC: the error a full disk gives
import os  # os.geteuid, os.statvfs, os.environ
import signal  # signal.SIGINT, a real Ctrl-C
import subprocess  # subprocess.run, subprocess.Popen: mount, and the real command line
import sys  # sys.executable

import pytest

from helpers import CHECKOUT, NAMES, TINY, leftover_temporaries, microgpt, snapshot, step_lines

TWO_LAYERS = ["--n-embd", "8", "--n-head", "2", "--n-layer", "2", "--block-size", "8"]  # ~40 ms a step


@pytest.fixture
def small_disk(tmp_path):
    """A folder on a fresh 256 KiB tmpfs, unmounted afterwards whatever happens."""
    if os.geteuid() != 0:
        pytest.skip("a real full disk needs root, to mount a small tmpfs")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)],
                              capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("no mount command on this machine")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True, timeout=30)


def previous_checkpoint(folder):
    """names.txt and a real one-step checkpoint ck.json in folder: what a failed save must keep."""
    (folder / "names.txt").write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    result = microgpt("train", "--data", "names.txt", "--steps", "1", *TINY, "--out", "ck.json",
                      cwd=folder)
    assert result.returncode == 0, result.stderr


def fill(folder):
    """Write zeros into folder/filler until the file system says it is full."""
    with open(folder / "filler", "wb", buffering=0) as f:
        with pytest.raises(OSError) as full:
            while True:
                f.write(bytes(4096))
    assert full.value.errno == errno.ENOSPC
    assert os.statvfs(folder).f_bavail == 0


def assert_one_line(stderr, *fragments):
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("microgpt: error: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"


def test_a_full_disk_at_the_final_save_keeps_the_previous_checkpoint(small_disk):
    previous_checkpoint(small_disk)
    fill(small_disk)
    before = snapshot(small_disk)
    result = microgpt("train", "--data", "names.txt", "--steps", "2", *TINY, "--out", "ck.json",
                      cwd=small_disk)
    assert result.returncode == 2, result.stderr
    assert_one_line(result.stderr, "cannot write checkpoint ck.json", "No space left on device")
    assert len(step_lines(result.stdout)) == 2  # the disk filled during training: no way to know
    assert snapshot(small_disk) == before  # ck.json byte for byte, and no .checkpoint-*.tmp
    assert leftover_temporaries(small_disk) == []


def test_a_full_disk_at_the_ctrl_c_save_keeps_the_previous_checkpoint(small_disk):
    previous_checkpoint(small_disk)
    fill(small_disk)
    before = snapshot(small_disk)
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "microgpt", "train", "--data", "names.txt",
                             "--steps", "100", *TWO_LAYERS, "--out", "ck.json"], cwd=small_disk,
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("step    1 /"):
            proc.send_signal(signal.SIGINT)  # stop after this step, and save: onto a full disk
            break
    rest, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, (proc.returncode, err)
    assert_one_line(err, "cannot write checkpoint ck.json", "No space left on device")
    assert len(step_lines(rest)) < 99  # it stopped early, as asked
    assert snapshot(small_disk) == before
    assert leftover_temporaries(small_disk) == []


def test_a_read_only_folder_fails_before_training(small_disk):
    # Root may write anywhere, whatever the modes say, but not to a file system mounted read-only.
    previous_checkpoint(small_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True, timeout=30)
    before = snapshot(small_disk)
    result = microgpt("train", "--data", "names.txt", "--steps", "2", *TINY, "--out", "ck.json",
                      cwd=small_disk)
    assert result.returncode == 2, result.stderr
    assert_one_line(result.stderr, "cannot write ck.json", "not writable")
    assert result.stdout == ""  # refused before the first step
    assert snapshot(small_disk) == before


def test_a_folder_made_where_the_checkpoint_goes_during_training(tmp_path):
    # Checked before training, a folder in the way is refused at once (see test_cli); made while
    # the run trains, it is met at the save, which must fail cleanly too.
    (tmp_path / "names.txt").write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "microgpt", "train", "--data", "names.txt",
                             "--steps", "10", *TWO_LAYERS, "--out", "new.json"], cwd=tmp_path,
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("step    1 /"):
            (tmp_path / "new.json").mkdir()
            (tmp_path / "new.json" / "keep.txt").write_text("mine\n", encoding="utf-8")
            break
    rest, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, (proc.returncode, err)
    assert_one_line(err, "cannot write checkpoint new.json")
    assert len(step_lines(rest)) == 9  # it trained to the end first
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["keep.txt", "names.txt", "new.json"]
    assert (tmp_path / "new.json" / "keep.txt").read_text(encoding="utf-8") == "mine\n"
