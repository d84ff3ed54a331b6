"""Sources: reading one (learners and authors), and for the bank's educator adding, revising and seeing the
coverage of one.

Reading goes through quizzes.accounts.access (a published bank's source, or the reader's own bank's);
everything else is `educator_required` and reaches its source through quizzes.accounts.permissions, so a
learner gets a 403 and another educator's source a 404. Adding and revising are a preview that posts the
split back to itself (merge, split, rename) until the author saves it: nothing is written before that.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes.accounts.access import get_source_version_to_read
from quizzes.accounts.permissions import (
    educator_required,
    get_bank_for,
    get_question_for,
    get_source_for,
    get_source_version_for,
)
from quizzes.items import ITEM_TYPES
from quizzes.sources import text as splitting
from quizzes.sources.coverage import coverage, questions_citing
from quizzes.sources.editing import (
    SplitError,
    check,
    create_source,
    drafts_from,
    preview_revision,
    revise,
    word_diff,
)
from quizzes.sources.forms import SourceForm
from quizzes.sources.revisions import confirm, passages_of
from quizzes.views.taking import HtmxHttpRequest


def _sections(passages) -> list[tuple[str, list]]:
    """Passages (or drafts, each told its place in the whole list) grouped under their section headings."""
    sections: list[tuple[str, list]] = []
    for position, passage in enumerate(passages):
        if isinstance(passage, splitting.Draft):
            passage.position = position
        if not sections or sections[-1][0] != passage.section:
            sections.append((passage.section, []))
        sections[-1][1].append(passage)
    return sections


@require_GET
@login_required
def source_read(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    version = get_source_version_to_read(request.user, pk)
    passages = passages_of(version)
    highlighted = request.GET.get("passage", "")
    context = {
        "version": version,
        "source": version.source,
        "sections": _sections(passages),
        "highlighted": highlighted if any(p.key == highlighted for p in passages) else "",
        "is_current": version.source.current_version_id == version.pk,
    }
    return render(request, "quizzes/source_read.html", context)


# -- adding and revising ------------------------------------------------------------------------------------


def _posted_drafts(request: HtmxHttpRequest) -> list[splitting.Draft]:
    """The split as the preview form posted it back, with any section renamed and the chosen step done."""
    drafts = drafts_from(request.POST.getlist("section"), request.POST.getlist("text"))
    for old, new in zip(request.POST.getlist("rename-old"), request.POST.getlist("rename-new"), strict=False):
        if new.strip() and new.strip() != old:
            drafts = splitting.rename_section(drafts, old, new)
    step, _, where = request.POST.get("op", "").partition("-")
    try:
        index = int(where) if where else -1
    except ValueError:
        raise SplitError("That step is not one this page offers.") from None
    if step == "merge":
        drafts = splitting.merge(drafts, index)
    elif step == "split":
        drafts = splitting.split_at(drafts, index)
    return drafts


def _split_document(form: SourceForm) -> list[splitting.Draft] | None:
    """The split of the form's document; None, with the reason added to the form, when it cannot be saved."""
    drafts = splitting.split(form.cleaned_data["document"])
    try:
        check(drafts)
    except SplitError as exc:
        form.add_error(None, "No passages were found in that text." if not drafts else str(exc))
        return None
    return drafts


@require_http_methods(["GET", "POST"])
@educator_required
def source_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    bank = get_bank_for(request.user, slug)
    context = {"bank": bank}
    if request.method == "POST" and "op" in request.POST:
        title = request.POST.get("title", "")
        context["title"] = title
        try:
            drafts = _posted_drafts(request)
            if request.POST["op"] == "save":
                source = create_source(bank, title, drafts, author=request.user)
                messages.success(request, f"Source “{source.title}” added: {len(drafts)} passages.")
                return redirect("quizzes:source-coverage", pk=source.current_version_id)
        except ValueError as exc:  # SplitError, or a merge or split that cannot be done
            context["error"] = str(exc)
            try:
                drafts = drafts_from(request.POST.getlist("section"), request.POST.getlist("text"))
            except SplitError:
                drafts = []  # nothing usable came back: start again from the text
        if drafts:
            context["sections"] = _sections(splitting.assign_keys(drafts))
            context["drafts"] = drafts
        else:
            context["form"] = SourceForm(initial={"title": title})
        return render(request, "quizzes/source_form.html", context)
    form = SourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and (drafts := _split_document(form)):
        context.update(title=form.cleaned_data["title"], drafts=drafts, sections=_sections(drafts))
    context["form"] = form
    return render(request, "quizzes/source_form.html", context)


@require_http_methods(["GET", "POST"])
@educator_required
def source_revise(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    source = get_source_for(request.user, pk)
    if source.current_version is None:
        raise Http404
    context = {"bank": source.bank, "source": source}
    if request.method == "POST" and request.POST.get("op") == "save":
        try:
            drafts = drafts_from(request.POST.getlist("section"), request.POST.getlist("text"))
            version = revise(source, drafts, author=request.user)
        except SplitError as exc:
            context["error"] = str(exc)
        else:
            flagged = version.review_flags.values("question").distinct().count()
            messages.success(
                request,
                f"Version {version.number} saved. {flagged} question{'s' if flagged != 1 else ''} "
                "citing an edited or removed passage need review.",
            )
            return redirect("quizzes:source-coverage", pk=version.pk)
    form = SourceForm(request.POST or None, request.FILES or None, revising=True)
    previewing = request.method == "POST" and "op" not in request.POST
    if previewing and form.is_valid() and (drafts := _split_document(form)):
        matches = preview_revision(source, drafts)
        context["matches"] = [
            (m, word_diff(m.old.text, m.new.text) if m.status == "edited" else None) for m in matches
        ]
        context["drafts"] = [m.new for m in matches if m.new is not None]
        context["counts"] = {
            status: sum(1 for m in matches if m.status == status)
            for status in ("unchanged", "edited", "removed", "added")
        }
    context["form"] = form
    return render(request, "quizzes/source_revise.html", context)


# -- coverage -----------------------------------------------------------------------------------------------


@require_GET
@educator_required
def source_coverage(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    version = get_source_version_for(request.user, pk)
    context = {
        "bank": version.source.bank,
        "source": version.source,
        "version": version,
        "coverage": coverage(version),
        "is_current": version.source.current_version_id == version.pk,
        "versions": version.source.versions.order_by("-number"),
    }
    return render(request, "quizzes/source_coverage.html", context)


@require_GET
@educator_required
def passage_questions(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    version = get_source_version_for(request.user, pk)
    passage = version.passages.filter(key=key).first()
    if passage is None:
        raise Http404
    context = {
        "bank": version.source.bank,
        "source": version.source,
        "version": version,
        "passage": passage,
        "questions": list(questions_citing(version, key)),
        "topics": version.source.bank.topics.all(),
        "item_types": ITEM_TYPES.values(),
    }
    return render(request, "quizzes/passage_questions.html", context)


@require_POST
@educator_required
def question_confirm(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    if confirm(question):
        messages.success(request, f"“{question.key}” confirmed: it still matches its source.")
    return redirect("quizzes:question-list", slug=question.bank.slug)
