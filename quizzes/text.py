"""Markdown for stems, rationales and explanations, rendered and then sanitised.

Authors' text is untrusted: markdown-it renders it with raw HTML disabled, and nh3 removes anything
that is not plain formatting (no scripts, no event handlers, no javascript: links). The one image
Markdown may show is a bank's own (`![alt](media:<sha256>.png)`, see quizzes.media): it becomes an <img>
served by our media view, with its alt text; any other image (a web address, a data: URI) is shown as
its alt text only, and nh3 drops any <img> whose source is not our media view.
"""

import re
from functools import lru_cache

import nh3
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from quizzes import media

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "ul", "ol", "li", "a", "sub", "sup", "blockquote", "img"}


def media_url(name: str) -> str:
    return reverse("quizzes:media-file", args=[name])


def _image(self, tokens, idx, options, env) -> str:
    """Markdown's image, for our own media only; anything else is its alt text."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    src = str(token.attrGet("src") or "")
    name = src.removeprefix("media:")
    if not src.startswith("media:") or not media.NAME.fullmatch(name):
        return escape(alt)
    return _img(name, alt)


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
_markdown.add_render_rule("image", _image)


def _own_media_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        prefix = media_url("0" * 64 + ".png").removesuffix("0" * 64 + ".png")
        name = value.removeprefix(prefix)
        return value if value.startswith(prefix) and media.NAME.fullmatch(name) else None
    return value


def _clean(html: str) -> SafeString:
    return mark_safe(  # noqa: S308 - nh3 has just sanitised it
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href"}, "img": {"src", "alt", "class", "loading"}},
            attribute_filter=_own_media_only,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        ).strip()
    )


def _img(name: str, alt: str) -> str:
    return f'<img src="{escape(media_url(name))}" alt="{escape(alt)}" class="question-image" loading="lazy">'


def render_images(text: str) -> SafeString:
    """Text shown as written (a drop-down cloze's passage, which is not Markdown), escaped, with the bank's
    images in it shown: the one piece of Markdown such text may hold."""
    parts, last = [], 0
    for match in media.REFERENCE.finditer(text or ""):
        parts += [
            escape(text[last : match.start()]),
            _img(match.group(2), media.unescape_alt(match.group(1))),
        ]
        last = match.end()
    return mark_safe("".join([*parts, escape((text or "")[last:])]))  # noqa: S308 - each piece is escaped


def render_markdown(text: str) -> SafeString:
    """Block Markdown (paragraphs, lists) as safe HTML."""
    return _rendered(text or "", False, get_script_prefix())


def render_markdown_inline(text: str) -> SafeString:
    """One line of Markdown, for places like a legend or a label where blocks are not allowed."""
    return _rendered(text or "", True, get_script_prefix())


# A question's text is rendered on every showing of it (an exam card, a review, a live stage) but its versions
# never change: parsing and sanitising took about a tenth of an answer's time (issue 23). The rendering is a
# pure function of the text (and of the URL prefix an image's address starts with), so it is kept per process,
# the most recent few thousand texts (a bank's stems, options and rationales), a few MB at most.
@lru_cache(maxsize=4096)
def _rendered(text: str, inline: bool, script_prefix: str) -> SafeString:
    return _clean(_markdown.renderInline(text) if inline else _markdown.render(text))


# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and CR, may after trimming).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """User text for a CSV cell: a leading quote keeps spreadsheet programs from running it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# A citation written into the text itself, at its end: `(Fact sheet: "Treatment")` or `(Source: Treatment)`.
_TRAILING_CITATION = re.compile(
    r"\s*\((?:fact[ -]sheet|source)(?: section)?:\s*(?:[^()]|\([^()]*\))*\)\s*$", re.IGNORECASE
)  # one level of parentheses inside: "What is Multifocal Motor Neuropathy (MMN)?"


def without_trailing_citation(text: str) -> str:
    """`text` without a citation in parentheses at its end, for a page that cites the source itself
    (the feedback's "Fact-sheet section: ..." line), so the section is named once."""
    return _TRAILING_CITATION.sub("", text)


def said_already(stem: str, instructions: str) -> bool:
    """Whether the stem already ends with the item type's instructions ("... Select all that apply."),
    so that the page prints them once."""
    words = instructions.strip().rstrip(".").lower()
    return bool(words) and stem.strip().rstrip(".").lower().endswith(words)


INDENTATION = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")
PREFORMATTED = re.compile(r"<(?:pre|textarea)\b", re.IGNORECASE)


def without_indentation(html: str) -> str:
    """The HTML without the indentation and empty lines its template left: the same page (to HTML a line
    break and the blanks after it are one space, as a line break alone is), fewer bytes for an htmx swap.
    HTML holding <pre> or <textarea>, whose blanks are kept as written, comes back as it is."""
    if PREFORMATTED.search(html):
        return html
    return INDENTATION.sub("\n", html)
