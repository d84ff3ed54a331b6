"""The quiz builder: educators make quizzes from their banks' questions and publish them.

A quiz drawn from topics or a fixed list, practice or timed exam, with a pass mark, attempts allowed
and open/close times. Attempts hold the question versions they were given, so editing a bank never
changes a quiz under way or a score already given.
"""

import secrets

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes.accounts.permissions import educator_required, get_authored_quiz_for, get_bank_for
from quizzes.authoring import editing
from quizzes.authoring.forms import QuizForm
from quizzes.items import AnswerInProgress, FixableAnswer, InvalidAnswer
from quizzes.taking import attempts
from quizzes.taking.answers import read_answer
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


@require_http_methods(["GET", "POST"])
@educator_required
def quiz_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz = get_authored_quiz_for(request.user, pk)
    if request.method == "POST":
        try:
            editing.delete_quiz(quiz)
        except editing.QuizInUse as exc:
            messages.error(request, str(exc))
            return redirect("quizzes:quiz-delete", pk=quiz.pk)
        messages.success(request, f"Quiz “{quiz.title}” deleted.")
        return redirect("quizzes:bank-detail", slug=quiz.bank.slug)
    context = {
        "quiz": quiz,
        "bank": quiz.bank,
        "in_use": editing.quiz_in_use(quiz),
        "classes": [a.classroom for a in quiz.assignments.select_related("classroom")],
    }
    return render(request, "quizzes/quiz_delete.html", context)


@require_POST
@educator_required
def quiz_archive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz = get_authored_quiz_for(request.user, pk)
    editing.set_quiz_archived(quiz, True)
    messages.success(request, f"Quiz “{quiz.title}” archived: learners no longer see it; results are kept.")
    return redirect("quizzes:bank-detail", slug=quiz.bank.slug)


@require_POST
@educator_required
def quiz_unarchive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz = get_authored_quiz_for(request.user, pk)
    editing.set_quiz_archived(quiz, False)
    messages.success(
        request, f"Quiz “{quiz.title}” is back: learners see it again if it is published and open."
    )
    return redirect("quizzes:quiz-edit", pk=quiz.pk)


# A preview's draw is named by its seed in the address, so moving between its questions keeps the draw.
MAX_SEED = 2**48


def _whole(value: str | None, most: int) -> int | None:
    """A small whole number from a query string (ASCII digits only), else None."""
    if not value or not (value.isascii() and value.isdigit()) or len(value) > 15 or int(value) > most:
        return None
    return int(value)


@require_GET
@educator_required
def quiz_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The quiz as a learner would take it, one question at a time, with the practice feedback when an
    answer is checked; the draw is new on each first visit (its seed travels in the address). Nothing
    is recorded: no attempt, no response, nothing in the item analysis."""
    quiz = get_authored_quiz_for(request.user, pk)
    seed = _whole(request.GET.get("seed"), MAX_SEED)
    seed = secrets.randbits(48) if seed is None else seed
    context = {"quiz": quiz, "bank": quiz.bank, "seed": seed}
    try:
        versions = attempts.preview_versions(quiz, seed)
    except attempts.QuizUnavailable as exc:
        return render(request, "quizzes/quiz_preview.html", context | {"problem": str(exc)})
    number = min(max(_whole(request.GET.get("n"), 10_000) or 1, 1), len(versions))
    version = versions[number - 1]
    rng = attempts.preview_rng(quiz, seed, number)
    answer, error, review = None, "", None
    if "check" in request.GET or "move" in request.GET:
        try:
            answer = read_answer(version, request.GET)
        except AnswerInProgress as change:  # an ordering step moved: show the order so far
            answer = change.draft
        except FixableAnswer as exc:
            answer, error = exc.draft, str(exc)
        except InvalidAnswer as exc:
            error = str(exc)
        else:
            review = version.item.review(version.spec, answer, rng)
    context |= {
        "number": number,
        "count": len(versions),
        "version": version,
        "item": version.item.public_view(version.stem, version.spec, rng, answer),
        "answer": answer,
        "error": error,
        "review": review,
    }
    return render(request, "quizzes/quiz_preview.html", context)
