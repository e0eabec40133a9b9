"""docsite/lighter.py: a page loses digits and spans that change nothing it shows."""


from docsite import lighter


def test_a_drawings_coordinates_keep_a_tenth_of_a_unit():
    svg = ('<svg viewBox="0 0 439.494140625 767.7999877929688" width="498.999102pt">'
           '<path d="M-29.81406307220459 -24.799999237060547 L 0.04 -0.04 z"/>'
           '<use x="65.283786" y="251.136" transform="rotate(-0 65.283786 266.113539)"/></svg>')
    assert lighter.compact(svg) == (
        '<svg viewBox="0 0 439.5 767.8" width="499pt">'
        '<path d="M-29.8 -24.8 L 0 0 z"/>'
        '<use x="65.3" y="251.1" transform="rotate(-0 65.3 266.1)"/></svg>')


def test_words_styles_and_small_icons_keep_every_digit():
    words = ('<svg viewBox="0 0 500 300" aria-label="loss 2.3456789 at step 3.14159">'
             '<text style="font-size: 10.123456px">2.71828</text></svg>')
    assert lighter.compact(words) == words
    icon = '<svg viewBox="0 0 24 24"><path d="M12 18c-.89 0-1.74-.2-2.5-.55C11.56 16.5 13 14.42 13 12"/></svg>'
    assert lighter.compact(icon) == icon


def test_every_inline_drawing_of_a_page_is_compacted():
    page = ('<p>1.23456</p><svg viewBox="0 0 200 100"><rect x="1.26"/></svg>'
            '<svg viewbox="0 0 300.25 100"><rect y="2.04"/></svg>')  # as the notebook's HTML spells it
    assert lighter.lighten(page) == (
        '<p>1.23456</p><svg viewBox="0 0 200 100"><rect x="1.3"/></svg>'
        '<svg viewbox="0 0 300.2 100"><rect y="2"/></svg>')


def test_names_whitespace_operators_and_punctuation_lose_their_spans_and_nothing_else_does():
    code = ('<code><span class="n">loss</span><span class="w"> </span><span class="o">=</span>'
            '<span class="w"> </span><span class="n">gpt</span><span class="p">(</span>'
            '<span class="nb">len</span><span class="p">)</span> <span class="ow">in</span>'
            '<span class="s2">&quot;a&quot;</span></code>')
    assert lighter.lighten(code) == (
        '<code>loss = gpt(<span class="nb">len</span>) <span class="ow">in</span>'
        '<span class="s2">&quot;a&quot;</span></code>')


def test_packed_path_numbers_are_left_whole():
    svg = '<svg viewBox="0 0 448 512"><path d="M1.3.014l.985 6.25 2-.045v-17l.001-.45z"/></svg>'
    assert lighter.compact(svg) == '<svg viewBox="0 0 448 512"><path d="M1.3.014l.985 6.2 2-.045v-17l.001-.45z"/></svg>'


def test_groups_that_only_carry_a_name_go_unless_something_points_at_them():
    svg = ('<svg viewBox="0 0 200 100">\n <defs>\n  <g id="mark"><path d="M 0 0"/></g>\n </defs>\n'
           ' <g id="axis_1">\n  <g id="tick_1">\n   <use href="#mark"/>\n  </g>\n  <g id="line2d_1"/>\n'
           '  <g id="legend" transform="translate(1 2)"><text>a <tspan>b</tspan>\n<tspan>c</tspan></text></g>\n'
           ' </g>\n</svg>')
    assert lighter.compact(svg) == (
        '<svg viewBox="0 0 200 100"><defs><g id="mark"><path d="M 0 0"/></g></defs>'
        '<use href="#mark"/><g id="legend" transform="translate(1 2)"><text>a <tspan>b</tspan>\n'
        '<tspan>c</tspan></text></g></svg>')
