"""The quiz builder: educators make quizzes from their banks' questions and publish them.

A quiz drawn from topics or a fixed list, practice or timed exam, with a pass mark, attempts allowed
and open/close times. Attempts hold the question versions they were given, so editing a bank never
changes a quiz under way or a score already given.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from quizzes import editing
from quizzes.forms import QuizForm
from quizzes.permissions import educator_required, get_authored_quiz_for, get_bank_for
from quizzes.views.taking import HtmxHttpRequest


@require_http_methods(["GET", "POST"])
@educator_required
def quiz_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    bank = get_bank_for(request.user, slug)
    form = QuizForm(request.POST if request.method == "POST" else None, bank=bank)
    if form.is_valid():
        quiz = editing.save_quiz(
            form.save(commit=False),
            topics=form.cleaned_data["topics"],
            questions=form.cleaned_data["questions"],
        )
        messages.success(
            request, f"Quiz “{quiz.title}” created{'' if quiz.is_published else ' (not published)'}."
        )
        return redirect("quizzes:bank-detail", slug=bank.slug)
    return render(request, "quizzes/quiz_edit.html", {"form": form, "bank": bank})


@require_http_methods(["GET", "POST"])
@educator_required
def quiz_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz = get_authored_quiz_for(request.user, pk)
    form = QuizForm(request.POST if request.method == "POST" else None, instance=quiz, bank=quiz.bank)
    if form.is_valid():
        editing.save_quiz(
            form.save(commit=False),
            topics=form.cleaned_data["topics"],
            questions=form.cleaned_data["questions"],
        )
        messages.success(request, f"Quiz “{quiz.title}” saved.")
        return redirect("quizzes:bank-detail", slug=quiz.bank.slug)
    return render(request, "quizzes/quiz_edit.html", {"form": form, "bank": quiz.bank, "quiz": quiz})
