"""Act 1, the world: a list of documents, and a tokenizer that turns them into
numbers."""

# --8<-- [start:load_docs]
from pathlib import Path  # Path, to read the data file


def load_docs(path):
    """A text file as a list of documents: one per non-empty line, stripped."""
    text = Path(path).read_text(encoding="utf-8")  # like open(): \r\n, \r -> \n
    # split("\n"), not splitlines(): that also breaks at \f, \x1c-\x1e, \x85...
    return [line.strip() for line in text.split("\n") if line.strip()]
# --8<-- [end:load_docs]


# --8<-- [start:default_data]
from importlib import resources  # resources.files: the names inside the package
from pathlib import Path  # Path, again: this region runs on its own on the site


def default_data_path():
    """The bundled names.txt, from a checkout or from an installed wheel."""
    return Path(str(resources.files("microgpt") / "names.txt"))
# --8<-- [end:default_data]


# --8<-- [start:tokenizer]
from dataclasses import dataclass  # dataclass, for a small record with methods


@dataclass(frozen=True)
class Tokenizer:
    """Characters become ids 0..n-1; one more id, BOS, marks where a name starts
    and ends."""

    chars: tuple  # the vocabulary, sorted: chars[i] is the character of token id i

    @classmethod
    def from_docs(cls, docs):
        return cls(tuple(sorted(set("".join(docs)))))

    @property
    def bos(self):
        return len(self.chars)  # the id after the last character: BOS

    @property
    def vocab_size(self):
        return len(self.chars) + 1  # every character, plus BOS

    def encode(self, text):
        return [self.chars.index(ch) for ch in text]

    def decode(self, ids):
        return "".join(self.chars[i] for i in ids if i != self.bos)
# --8<-- [end:tokenizer]
