from django import template

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """0.856 -> "85.6%"; None -> "–" (not enough answers to say)."""
    return "–" if share is None else f"{100 * share:.1f}%"


@register.filter
def decimal(value: float | None) -> str:
    """-30.24 -> "-30.2"; None -> "–". Plain formatting: a page of statistics calls it hundreds of times."""
    return "–" if value is None else f"{value:.1f}"
