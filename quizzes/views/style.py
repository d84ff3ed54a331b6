"""The style guide: every component of the design system on one page, for educators and developers.

Shown only with DEBUG on (a 404 otherwise): it is documentation of static/css, not a product page.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from quizzes.learning import charts

TOKENS = {
    "color": [
        "bg",
        "paper",
        "panel",
        "ink",
        "muted",
        "line",
        "accent",
        "right",
        "wrong",
        "partial",
        "focus",
    ],
    "scale": [f"scale-{level}" for level in range(1, 6)],
    "type": ["text-sm", "text-base", "text-lg", "text-xl", "text-2xl"],
    "space": [f"space-{step}" for step in range(1, 7)],
    "radius": ["radius-sm", "radius", "radius-lg", "radius-pill"],
}


@require_GET
def style_guide(request: HttpRequest) -> HttpResponse:
    if not settings.DEBUG:
        raise Http404("The style guide is shown only with DEBUG on.")
    now = timezone.now()
    days = timezone.timedelta(days=1)
    sample = [
        (now - 20 * days, 40.0, "Practice: Treatment", "practice"),
        (now - 14 * days, 65.0, "Practice: Treatment", "practice"),
        (now - 9 * days, 58.0, "Exam: MMN", "exam"),
        (now - 3 * days, 85.0, "Practice: Signs and symptoms", "practice"),
        (now, 76.0, "Exam: MMN", "exam"),
    ]
    context = {
        "tokens": TOKENS,
        "bands": [charts.band(below - 1 if below else 100) for below, _, _ in charts.BANDS],
        "chart": charts.score_chart(sample),
        "counts": charts.count_bars(
            [("IVIG", 14, True), ("Corticosteroids", 5, False), ("Plasma exchange", 2, False)]
        ),
        "distribution": charts.distribution([35, 52, 61, 64, 78, 81, 88, 93, 97]),
        "icons": [
            "logo",
            "menu",
            "check",
            "cross",
            "partial",
            "circle",
            "flag",
            "flag-off",
            "rule-out",
            "restore",
            "alert",
            "clock",
            "arrow",
        ],
    }
    return render(request, "quizzes/style_guide.html", context)
