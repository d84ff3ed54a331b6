"""Authoring: an educator's banks, their topics, and their questions (written, previewed, versioned).

Every view is `educator_required` and reaches its object through one helper of quizzes.accounts.permissions,
so a learner gets a 403 and another educator's bank a 404. Saving goes through quizzes.authoring.editing; a
question edit is always a new version. Forms work by plain POST-redirect-GET; htmx adds the live
preview of a question and the question list's search without reloads.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from quizzes.accounts.permissions import (
    banks_for,
    educator_required,
    get_bank_for,
    get_question_for,
    get_topic_for,
)
from quizzes.authoring import editing, quality
from quizzes.authoring.forms import (
    BankForm,
    DismissForm,
    MoveQuestionsForm,
    QuestionEditor,
    QuestionFilterForm,
    TopicForm,
)
from quizzes.formats import convert
from quizzes.items import ITEM_TYPES, get_item_type
from quizzes.models import NeedsReview, Passage, Question
from quizzes.views.taking import HtmxHttpRequest

QUESTIONS_PER_PAGE = 25


# -- banks ------------------------------------------------------------------------------------------------


@require_GET
@educator_required
def bank_list(request: HtmxHttpRequest) -> HttpResponse:
    banks = banks_for(request.user).annotate(
        question_count=Count("questions", distinct=True),
        quiz_count=Count("quizzes", distinct=True, filter=Q(quizzes__practice_of__isnull=True)),
    )
    return render(request, "quizzes/bank_list.html", {"banks": banks.order_by("title")})


@require_http_methods(["GET", "POST"])
@educator_required
def bank_create(request: HtmxHttpRequest) -> HttpResponse:
    form = BankForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        bank = editing.create_bank(request.user, **form.cleaned_data)
        messages.success(request, f"Bank “{bank.title}” created. Add a topic, then its questions.")
        return redirect("quizzes:bank-detail", slug=bank.slug)
    return render(request, "quizzes/bank_form.html", {"form": form})


@require_GET
@educator_required
def bank_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    bank = get_bank_for(request.user, slug)
    topics = bank.topics.annotate(
        active_count=Count("questions", filter=Q(questions__status=Question.Status.ACTIVE)),
        archived_count=Count("questions", filter=Q(questions__status=Question.Status.ARCHIVED)),
    )
    context = {
        "bank": bank,
        "topics": topics,
        "sources": bank.sources.select_related("current_version"),
        "quizzes": bank.quizzes.authored().order_by("position", "id"),
        "topic_form": TopicForm(),
        "item_types": ITEM_TYPES.values(),
        "export_gaps": convert.export_gaps(bank),
    }
    return render(request, "quizzes/bank_detail.html", context)


@require_http_methods(["GET", "POST"])
@educator_required
def bank_edit(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    bank = get_bank_for(request.user, slug)
    form = BankForm(request.POST if request.method == "POST" else None, instance=bank)
    if form.is_valid():
        form.save()
        messages.success(request, f"Bank “{bank.title}” saved.")
        return redirect("quizzes:bank-detail", slug=bank.slug)
    return render(request, "quizzes/bank_form.html", {"form": form, "bank": bank})


# -- topics -----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@educator_required
def topic_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    bank = get_bank_for(request.user, slug)
    form = TopicForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        topic = editing.create_topic(bank, form.cleaned_data["title"])
        messages.success(request, f"Topic “{topic.title}” added.")
        return redirect("quizzes:bank-detail", slug=bank.slug)
    return render(request, "quizzes/bank_topic_form.html", {"form": form, "bank": bank})


@require_http_methods(["GET", "POST"])
@educator_required
def topic_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for(request.user, pk)
    form = TopicForm(request.POST if request.method == "POST" else None, instance=topic)
    if form.is_valid():
        form.save()
        messages.success(request, f"Topic “{topic.title}” saved.")
        return redirect("quizzes:bank-detail", slug=topic.bank.slug)
    return render(request, "quizzes/bank_topic_form.html", {"form": form, "bank": topic.bank, "topic": topic})


@require_POST
@educator_required
def topic_move(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Move a topic up or down: learners see topics, and their mastery bars, in this order."""
    topic = get_topic_for(request.user, pk)
    steps = {"up": -1, "down": 1}
    if request.POST.get("direction") not in steps:
        return render(request, "400.html", {"message": "Move a topic up or down."}, status=400)
    editing.move_topic(topic, steps[request.POST["direction"]])
    return redirect("quizzes:bank-detail", slug=topic.bank.slug)


@require_http_methods(["GET", "POST"])
@educator_required
def topic_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    topic = get_topic_for(request.user, pk)
    if request.method == "POST":
        try:
            editing.delete_topic(topic)
        except editing.TopicInUse as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Topic “{topic.title}” deleted.")
        return redirect("quizzes:bank-detail", slug=topic.bank.slug)
    return render(request, "quizzes/bank_topic_delete.html", {"topic": topic, "bank": topic.bank})


# -- the question list ------------------------------------------------------------------------------------


@require_GET
@educator_required
@vary_on_headers("HX-Request")
def question_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    bank = get_bank_for(request.user, slug)
    topics = list(bank.topics.all())
    filters = QuestionFilterForm(request.GET, topics=topics)
    flagged = NeedsReview.objects.filter(question=OuterRef("pk"))
    warned = quality.open_counts(bank)
    questions = filters.apply(
        bank.questions.select_related("current_version", "topic")
        .annotate(needs_review=Exists(flagged))
        .order_by("topic__position", "topic_id", "id"),
        warned=warned,
    )
    page = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    for question in page.object_list:
        question.open_warnings = warned.get(question.pk, 0)
    context = {
        "bank": bank,
        "topics": topics,
        "filters": filters,
        "page": page,
        "item_types": ITEM_TYPES.values(),
    }
    template = "quizzes/question_list.html"
    return render(request, template + "#question-results" if request.htmx else template, context)


@require_POST
@educator_required
def question_move(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    bank = get_bank_for(request.user, slug)
    form = MoveQuestionsForm(request.POST, bank=bank)
    if form.is_valid():
        topic = form.cleaned_data["topic"]
        moved = editing.move_questions(bank, [q.pk for q in form.cleaned_data["questions"]], topic)
        messages.success(request, f"Moved {moved} question{'s' if moved != 1 else ''} to “{topic.title}”.")
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    # Back to the same page of the same filtered list; only the query string is taken from the form.
    query = request.POST.get("query", "")
    return redirect(reverse("quizzes:question-list", args=[bank.slug]) + (f"?{query}" if query else ""))


# -- writing a question -----------------------------------------------------------------------------------

EDITOR_TEMPLATE = "quizzes/question_form.html"


def _item_type(name: str):
    if name not in ITEM_TYPES:
        raise Http404("No such item type.")
    return get_item_type(name)


def _wants_save(request: HtmxHttpRequest) -> bool:
    """A POST saves unless it came from the page's Preview button (the no-JavaScript preview)."""
    return request.method == "POST" and "preview" not in request.POST


@require_http_methods(["GET", "POST"])
@educator_required
def question_create(request: HtmxHttpRequest, slug: str, item_type: str) -> HttpResponse:
    bank = get_bank_for(request.user, slug)
    item = _item_type(item_type)
    passage = _passage(bank, request.GET.get("passage"))
    editor = QuestionEditor(bank, item, request.POST if request.method == "POST" else None, passage=passage)
    if _wants_save(request) and editor.is_valid():
        question = editing.create_question(bank, editor.draft(), author=request.user)
        messages.success(request, "Question saved.")
        return redirect("quizzes:question-edit", pk=question.pk)
    context = {"bank": bank, "item": item, "editor": editor, "preview": editor.preview(), "passage": passage}
    return render(request, EDITOR_TEMPLATE, context)


def _passage(bank, value: str | None) -> Passage | None:
    """The passage "Write a question from this passage" names, if it is one of the bank's sources'."""
    if not value or not value.isdigit() or len(value) > 12:
        return None
    passages = Passage.objects.select_related("version__source")
    return passages.filter(pk=int(value), version__source__bank=bank).first()


@require_http_methods(["GET", "POST"])
@educator_required
def question_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    item = question.current_version.item
    editor = QuestionEditor(
        question.bank, item, request.POST if request.method == "POST" else None, question=question
    )
    if _wants_save(request) and editor.is_valid():
        try:
            version = editing.edit_question(
                question, editor.draft(), author=request.user, base_version=editor.base_version
            )
        except editing.EditConflict as conflict:
            editor.conflict(conflict.current)
        else:
            if version is None:
                messages.info(request, "Saved. The content is unchanged, so no new version was needed.")
            else:
                messages.success(request, f"Saved as version {version.number}.")
            return redirect("quizzes:question-edit", pk=question.pk)
    context = {
        "bank": question.bank,
        "question": question,
        "item": item,
        "editor": editor,
        "preview": editor.preview(),
        "in_use": editing.in_use(question),
        "review_flags": question.review_flags.select_related("passage", "revision"),
    }
    return render(request, EDITOR_TEMPLATE, context)


@require_POST
@educator_required
def question_preview(request: HtmxHttpRequest, slug: str, item_type: str) -> HttpResponse:
    """The live preview: the editor's fields in, the `#question-preview` fragment out. Saves nothing."""
    bank = get_bank_for(request.user, slug)
    editor = QuestionEditor(bank, _item_type(item_type), request.POST)
    return render(request, EDITOR_TEMPLATE + "#question-preview", {"preview": editor.preview()})


@require_POST
@educator_required
def question_edit_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The live preview of an edit: as question_preview, but the checks know which question it is (it is
    no near-duplicate of itself) and show the dismissals of its current version."""
    question = get_question_for(request.user, pk)
    editor = QuestionEditor(question.bank, question.current_version.item, request.POST, question=question)
    context = {"preview": editor.preview(), "question": question}
    return render(request, EDITOR_TEMPLATE + "#question-preview", context)


@require_POST
@educator_required
def question_dismiss(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Dismiss one item-writing warning on the question's current version, with a reason (recorded)."""
    question = get_question_for(request.user, pk)
    form = DismissForm(request.POST)
    if form.is_valid():
        quality.dismiss(
            question.current_version,
            form.cleaned_data["check_id"],
            form.cleaned_data["reason"],
            user=request.user,
        )
        messages.success(request, f"Warning dismissed for version {question.current_version.number}.")
    else:
        for errors in form.errors.values():
            messages.error(request, "The warning was not dismissed: " + " ".join(errors))
    return redirect(reverse("quizzes:question-edit", args=[question.pk]) + "#question-checks")


# -- versions, archive, delete ----------------------------------------------------------------------------


@require_GET
@educator_required
def question_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    versions = (
        question.versions.select_related("created_by")
        .annotate(answer_count=Count("slots__response"))
        .order_by("-number")
    )
    rows = [(v, v.item.review(v.spec, v.item.key_answer(v.spec), None)) for v in versions]
    return render(
        request, "quizzes/question_history.html", {"question": question, "bank": question.bank, "rows": rows}
    )


@require_POST
@educator_required
def question_restore(request: HtmxHttpRequest, pk: int, number: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    old = get_object_or_404(question.versions, number=number)
    version = editing.restore_version(question, old, author=request.user)
    if version is None:
        messages.info(request, f"Version {number} is already what learners get.")
    else:
        messages.success(request, f"Restored version {number} as version {version.number}.")
    return redirect("quizzes:question-edit", pk=question.pk)


@require_POST
@educator_required
def question_archive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    editing.set_status(question, Question.Status.ARCHIVED)
    messages.success(request, "Question archived: new attempts no longer include it.")
    return redirect("quizzes:question-edit", pk=question.pk)


@require_POST
@educator_required
def question_unarchive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    editing.set_status(question, Question.Status.ACTIVE)
    messages.success(request, "Question active again: new attempts may include it.")
    return redirect("quizzes:question-edit", pk=question.pk)


@require_http_methods(["GET", "POST"])
@educator_required
def question_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    in_use = editing.in_use(question)
    if request.method == "POST":
        try:
            editing.delete_question(question)
        except editing.QuestionInUse as exc:
            messages.error(request, str(exc))
            return redirect("quizzes:question-edit", pk=question.pk)
        messages.success(request, "Question deleted.")
        return redirect("quizzes:question-list", slug=question.bank.slug)
    context = {
        "question": question,
        "bank": question.bank,
        "in_use": in_use,
        "quizzes": question.fixed_quizzes.authored(),
    }
    return render(request, "quizzes/question_delete.html", context)
