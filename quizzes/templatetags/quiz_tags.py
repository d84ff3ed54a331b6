from datetime import timedelta

from django import template

from quizzes.learning import charts
from quizzes.media import in_words
from quizzes.text import render_images, render_markdown, render_markdown_inline, without_trailing_citation

register = template.Library()
register.filter("markdown", render_markdown)
register.filter("markdown_inline", render_markdown_inline)
# An image as "[image: alt text]" where only text is shown; text as written with the bank's images shown.
register.filter("in_words", in_words)
register.filter("with_images", render_images)


@register.filter
def points(value: float | None) -> str:
    """2.0 -> "2", 1.5 -> "1.5": points read as whole numbers when they are."""
    return "" if value is None else f"{value:g}"


@register.filter
def duration(value) -> str:
    """A timedelta as "29 min 05 s" (or "1 h 02 min" when longer), for time left and time taken."""
    if value is None:
        return ""
    seconds = max(0, int(value.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {seconds:02d} s"


@register.filter
def get_item(mapping: dict | list, key):
    """mapping[key]: a dict's value (None when absent), or a list's item at an index (None past its end)."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return mapping[key] if 0 <= key < len(mapping) else None


@register.filter
def seconds(value: int | None) -> str:
    """A number of seconds as `duration` says it: 65 -> "1 min 05 s"."""
    return "" if value is None else duration(timedelta(seconds=value))


@register.filter
def uncited(text: str) -> str:
    """The text without a citation at its end, where the page names the source itself."""
    return without_trailing_citation(text or "")


@register.filter
def as_bar(percent: float | None) -> charts.Bar | None:
    """A percentage as the bar that quizzes/_charts.html#bar draws (None stays None)."""
    return None if percent is None else charts.bar(float(percent))


@register.filter
def as_ring(percent: float | None) -> charts.Ring | None:
    """A percentage as the ring that quizzes/_charts.html#ring draws."""
    return None if percent is None else charts.ring(float(percent))
