"""The documents and the tokenizer, on small files of our own and on the bundled names."""

from pathlib import Path  # Path, to find data/names.txt in the checkout
from string import ascii_lowercase  # the 26 letters the bundled names use

import pytest

from microgpt.data import Tokenizer, default_data_path, load_docs

CHECKOUT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def names():
    return load_docs(default_data_path())


def test_load_docs_strips_lines_and_drops_empty_ones(tmp_path):
    path = tmp_path / "docs.txt"
    path.write_text("  anna \n\nbob\n   \n\t carl\t\r\nzoë\n\n", encoding="utf-8")
    assert load_docs(path) == ["anna", "bob", "carl", "zoë"]


# Characters that str.splitlines() treats as line breaks but open() does not: form feed, vertical
# tab, the file/group/record separators, NEL, and the Unicode line and paragraph separators.
NOT_LINE_BREAKS = "\f\v\x1c\x1d\x1e\x85\u2028\u2029"


def test_load_docs_breaks_lines_only_where_open_does(tmp_path):
    path = tmp_path / "odd.txt"
    inner = "".join(f"a{ch}b" for ch in NOT_LINE_BREAKS)  # each one between two letters
    raw = f"{inner}\nmac\rclassic\r\nwindows\n\f\n\u2028\nend{NOT_LINE_BREAKS}\n"
    path.write_bytes(raw.encode("utf-8"))
    with open(path, encoding="utf-8") as f:  # the original's way: iterate over the lines of open()
        original = [line.strip() for line in f if line.strip()]
    assert load_docs(path) == original
    # Spelled out: one document holding all eight characters, three line endings, two lines
    # that strip() empties, and a last line whose trailing separators strip() removes.
    assert original == [inner, "mac", "classic", "windows", "end"]
    # splitlines() would cut the first line into 9 documents ("a", "ba" 7 times, "b"): 13 in all.
    assert len([line.strip() for line in raw.splitlines() if line.strip()]) == 13


def test_load_docs_of_a_whitespace_only_file_is_empty(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text(" \n\t\n\n", encoding="utf-8")
    assert load_docs(path) == []


def test_load_docs_keeps_inner_spaces_and_order(tmp_path):
    path = tmp_path / "docs.txt"
    path.write_text("mary ann\nzed\nabe", encoding="utf-8")  # no newline at the end
    assert load_docs(path) == ["mary ann", "zed", "abe"]


def test_default_data_path_is_the_bundled_copy_of_data_names_txt():
    path = default_data_path()
    assert path.is_file()
    assert path.read_bytes() == (CHECKOUT / "data" / "names.txt").read_bytes()


def test_bundled_names_vocabulary(names):
    tokenizer = Tokenizer.from_docs(names)
    assert tokenizer.chars == tuple(ascii_lowercase)
    assert tokenizer.vocab_size == 27
    assert tokenizer.bos == 26


def test_tokenizer_round_trips_every_bundled_name(names):
    tokenizer = Tokenizer.from_docs(names)
    for name in names:
        ids = tokenizer.encode(name)
        assert all(0 <= i < tokenizer.bos for i in ids)  # BOS never stands for a character
        assert tokenizer.decode(ids) == name


def test_encode_gives_each_character_its_sorted_position():
    tokenizer = Tokenizer.from_docs(["cab", "b"])
    assert tokenizer.chars == ("a", "b", "c")
    assert tokenizer.encode("cab") == [2, 0, 1]
    assert (tokenizer.bos, tokenizer.vocab_size) == (3, 4)


def test_decode_skips_bos():
    tokenizer = Tokenizer.from_docs(["emma", "olivia"])
    bos = tokenizer.bos
    assert tokenizer.decode([bos] + tokenizer.encode("emma") + [bos]) == "emma"
    assert tokenizer.decode([bos, bos]) == ""
    assert tokenizer.decode(tokenizer.encode("li") + [bos] + tokenizer.encode("am")) == "liam"


def test_encode_rejects_a_character_outside_the_vocabulary():
    with pytest.raises(ValueError):
        Tokenizer.from_docs(["abc"]).encode("abz")
