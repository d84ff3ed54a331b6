"""Item analysis pages: one quiz (with the whole-quiz figures) or every quiz of a bank, for their educator.

The statistics are quizzes.teaching.analysis's; this module only reads the filters and renders. A learner gets
a 403 and another educator's quiz or bank a 404, as on every authoring page.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from quizzes.accounts.permissions import classes_for, educator_required, get_authored_quiz_for, get_bank_for
from quizzes.teaching import analysis
from quizzes.teaching.forms import AnalysisFilterForm
from quizzes.views.taking import HtmxHttpRequest

TEMPLATE = "quizzes/item_analysis.html"


def _render(request: HtmxHttpRequest, quiz_ids: list[int], context: dict, *, whole_test: bool):
    form = AnalysisFilterForm(request.GET, classrooms=classes_for(request.user).order_by("name", "pk"))
    if form.is_valid():
        context["result"], context["items"] = analysis.run(quiz_ids, whole_test=whole_test, **form.filters())
        context["by_tag"] = analysis.by_tag(context["items"])
    context |= {"form": form, "flagged": sum(1 for i in context.get("items", []) if i.stats.flags)}
    return render(request, TEMPLATE + "#analysis-results" if request.htmx else TEMPLATE, context)


@require_GET
@educator_required
@vary_on_headers("HX-Request")
def quiz_analysis(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz = get_authored_quiz_for(request.user, pk)
    return _render(request, [quiz.pk], {"quiz": quiz, "bank": quiz.bank}, whole_test=True)


@require_GET
@educator_required
@vary_on_headers("HX-Request")
def bank_analysis(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Every quiz of the bank: each item over all its quizzes' attempts; whole-quiz figures are per quiz."""
    bank = get_bank_for(request.user, slug)
    quizzes = list(bank.quizzes.authored().order_by("position", "pk"))
    context = {"bank": bank, "quizzes": quizzes}
    return _render(request, [q.pk for q in quizzes], context, whole_test=False)
