"""Text from files renders as its own characters: never a link, image, form or iframe."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from presentation.markup import html, md

ATTACKS = [
    "[Sign in again](https://evil.example/login)",
    "![x](https://evil.example/pixel.png)",
    '<form action="https://evil.example"><input name="password"></form>',
    '<iframe src="https://evil.example"></iframe>',
    "<a href='https://evil.example' style='position:fixed;inset:0'>x</a>",
    ":red[**Off target**] :material/warning:",
    "# Heading\n- item\n> quote",
    "`code` *em* __strong__ ~~gone~~ $x^2$",
    "https://evil.example/autolink <https://evil.example>",
    "Redcar &amp; Cleveland &lt;b&gt;",
]


class _Text(HTMLParser):
    """The text of rendered HTML, and the tags it used."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _render(markdown: str) -> _Text:
    parsed = _Text()
    parsed.feed(MarkdownIt("commonmark", {"html": True, "linkify": False}).render(markdown))
    return parsed


def _shows_only_itself(raw: str) -> None:
    rendered = _render(md(raw))
    assert set(rendered.tags) <= {"p"}, (raw, rendered.tags)
    assert " ".join("".join(rendered.text).split()) == " ".join(raw.split())


def test_known_attacks_render_as_their_own_characters() -> None:
    for attack in ATTACKS:
        _shows_only_itself(attack)


# Control characters are dropped by md() (CommonMark would replace NUL anyway).
PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))


@given(st.text(alphabet=PRINTABLE | st.sampled_from("\n "), max_size=60))
def test_any_text_renders_as_its_own_characters(raw: str) -> None:
    if raw.strip():
        _shows_only_itself(raw)


def test_control_characters_are_dropped_and_line_breaks_kept() -> None:
    assert md("a\x00b\x1bc") == "abc"
    assert md("first\n    second") == "first\nsecond"


def test_html_text_escapes_tags_and_quotes() -> None:
    assert html('<b class="x">R&D</b>') == "&lt;b class=&quot;x&quot;&gt;R&amp;D&lt;/b&gt;"
