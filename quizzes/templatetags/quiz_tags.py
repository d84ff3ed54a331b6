from datetime import timedelta

from django import template

from quizzes.text import render_markdown, render_markdown_inline

register = template.Library()
register.filter("markdown", render_markdown)
register.filter("markdown_inline", render_markdown_inline)


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
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def seconds(value: int | None) -> str:
    """A number of seconds as `duration` says it: 65 -> "1 min 05 s"."""
    return "" if value is None else duration(timedelta(seconds=value))
