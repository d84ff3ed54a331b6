from django import template

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """0.856 -> "85.6%"; None -> "–" (not enough answers to say)."""
    return "–" if share is None else f"{100 * share:.1f}%"
