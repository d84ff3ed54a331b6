"""Markdown for stems, rationales and explanations, rendered and then sanitised.

Authors' text is untrusted: markdown-it renders it with raw HTML disabled, and nh3 removes anything
that is not plain formatting (no scripts, no event handlers, no javascript: links).
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "ul", "ol", "li", "a", "sub", "sup", "blockquote"}


def _clean(html: str) -> SafeString:
    return mark_safe(  # noqa: S308 - nh3 has just sanitised it
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        ).strip()
    )


def render_markdown(text: str) -> SafeString:
    """Block Markdown (paragraphs, lists) as safe HTML."""
    return _clean(_markdown.render(text or ""))


def render_markdown_inline(text: str) -> SafeString:
    """One line of Markdown, for places like a legend or a label where blocks are not allowed."""
    return _clean(_markdown.renderInline(text or ""))


# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and CR, may after trimming).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """User text for a CSV cell: a leading quote keeps spreadsheet programs from running it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
