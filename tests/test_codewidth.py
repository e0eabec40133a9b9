"""docsite/codewidth.py: long lines marked for a phone, and each block's height in lines."""

import html
import re

from docsite import codewidth

LONG = "x = 1  # " + "a comment that goes on " * 3  # 78 characters
BLOCK = ('<div class="highlight"><pre><span></span><code><span class="n">y</span> = 2\n'
         f'{html.escape(LONG)}\n    {html.escape(LONG)}\n</code></pre></div>')


def text_of(block):
    return html.unescape(re.sub(r"<[^>]+>", "", block))


def test_a_block_keeps_its_text_and_gets_its_height_in_lines():
    out = codewidth.mark_code(BLOCK)
    assert text_of(out) == text_of(BLOCK)  # what Run and the copy button read
    heights = dict(re.findall(r"--([a-z0-9-]+):(\d+)", re.search(r'<pre style="([^"]*)"', out)[1]))
    assert heights["lines"] == "3"
    # 78 characters at 38 a row: 38, then 38 - 4 = 34, then 6 more (3 rows); at 42: 42, 38 (2)
    # indented by 4, the continuations hold 8 fewer: 38, 30, 10 (3 rows); 42, 34, 2 (3 rows)
    assert heights["rows-38"] == str(1 + 3 + 3)
    assert heights["rows-42"] == str(1 + 2 + 3)
    assert out.count('class="cw"') == 2  # the two long lines, each with its indent
    assert 'style="--cw:4"' in out


def test_phone_rows_counts_the_hanging_indent():
    assert codewidth.phone_rows(40, 0, 40) == 1
    assert codewidth.phone_rows(41, 0, 40) == 2
    assert codewidth.phone_rows(40 + 36 + 1, 0, 40) == 3  # continuations hold 40 - 4
