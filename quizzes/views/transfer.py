"""Import into a bank (upload, preview, confirm) and export a bank, for its educator.

The preview parses the upload and writes nothing. The confirm step does not trust the browser with the
questions: it gets back the file's text signed by the server (django.core.signing, compressed), so no
upload is kept on the server between the steps and a changed payload is refused. Everything is written
in one transaction by quizzes.formats.database.import_bank, or nothing is.
"""

from collections import Counter

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from quizzes.accounts.permissions import educator_required, get_bank_for
from quizzes.authoring.checks import check_bank
from quizzes.authoring.import_forms import ImportForm
from quizzes.formats import convert
from quizzes.formats.bankfile import BankFileError
from quizzes.formats.common import FORMATS, MAX_BYTES, decode
from quizzes.formats.database import export_bank, import_bank, source_conflicts
from quizzes.items import ITEM_TYPES
from quizzes.media import in_words
from quizzes.views.taking import HtmxHttpRequest

SALT = "quizzes.bank-import"
PAYLOAD_MAX_AGE = 60 * 60  # an hour to look the preview over
EXTENSIONS = {
    "json": ("json", "application/json"),
    "gift": ("gift.txt", "text/plain"),
    "moodlexml": ("xml", "application/xml"),
}


def _parse(bank, text: str, fmt: str, leave_out_errors: bool = False):
    result = convert.parse(text, fmt, slug=bank.slug, title=bank.title, leave_out_errors=leave_out_errors)
    # Whatever the file says its bank is, it goes into this one (a bank file may name another's bank).
    result.bank = convert.into_bank(result.bank, bank)
    return result


# The import preview checks a file of up to this many questions whole (about a second); a larger one only
# its first this many, each alone: comparing every pair, or checking tens of thousands, would take longer
# than the upload. The question list and checkbank check everything after the import.
PREVIEW_CHECKS_UP_TO = 2_000
PREVIEW_FINDINGS_SHOWN = 100


def _at_line(messages_: list[str], line: int | None) -> list[str]:
    prefix = f"line {line}:"
    return [m for m in messages_ if line and m.startswith(prefix)]


def _preview(result) -> dict:
    titles = dict(result.bank.topics)
    questions = result.bank.questions
    bank_level = len(questions) <= PREVIEW_CHECKS_UP_TO
    dismissed = {q.key: q.dismissed for q in questions}
    findings = [
        f
        for f in check_bank(questions[:PREVIEW_CHECKS_UP_TO], bank_level=bank_level)
        if f.check not in dismissed.get(f.key, {})  # the file's own dismissals, with their reasons
    ]
    return {
        "checked": min(len(questions), PREVIEW_CHECKS_UP_TO),
        "findings": findings[:PREVIEW_FINDINGS_SHOWN],
        "findings_total": len(findings),
        "findings_by_check": sorted(Counter(f.title for f in findings).items()),
        "bank_level_checked": bank_level,
        "by_type": sorted(Counter(ITEM_TYPES[q.type].label for q in result.bank.questions).items()),
        "by_topic": sorted(Counter(titles[q.topic] for q in result.bank.questions).items()),
        "total": len(result.bank.questions),
        "quizzes": len(result.bank.quizzes),
        "images": len(result.bank.media),
        "warnings": result.warnings,
        "left_out": result.left_out,
        # Each question as it will be imported: the educator checks the keys before anything is saved.
        "questions": [
            {
                "line": q.line,
                "key": q.key,
                "type": ITEM_TYPES[q.type].label,
                "topic": titles[q.topic],
                "stem": in_words(q.stem),
                "answer": in_words(convert.key_summary(q)),
                "warnings": _at_line(result.warnings, q.line),
            }
            for q in result.bank.questions
        ],
    }


def _sign(text: str, fmt: str, bank, leave_out_errors: bool) -> str:
    payload = {"text": text, "format": fmt, "bank": bank.pk, "leave_out": leave_out_errors}
    return signing.dumps(payload, salt=SALT, compress=True)


@require_http_methods(["GET", "POST"])
@educator_required
def bank_import(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    bank = get_bank_for(request.user, slug)
    context: dict = {"bank": bank}
    if request.method == "POST" and "payload" in request.POST:
        try:
            signed = signing.loads(request.POST["payload"], salt=SALT, max_age=PAYLOAD_MAX_AGE)
            text, fmt, target = signed["text"], signed["format"], signed["bank"]
            leave_out = bool(signed.get("leave_out", False))
        except (signing.BadSignature, KeyError, TypeError):
            return HttpResponseBadRequest("The preview has expired or was changed. Upload the file again.")
        if target != bank.pk:
            raise Http404
        if "download" in request.POST:
            return _problems_download(bank, text, fmt, leave_out)
        try:
            result = _parse(bank, text, fmt, leave_out)
        except BankFileError:
            return HttpResponseBadRequest("The file no longer reads. Upload it again.")
        try:
            report = import_bank(result.bank, owner=request.user)
        except BankFileError as exc:  # the bank changed since the preview (a source version loaded meanwhile)
            return HttpResponseBadRequest("The file no longer fits the bank: " + " ".join(exc.errors))
        messages.success(
            request,
            f"Imported into “{bank.title}”: {report.created} new questions, "
            f"{report.new_versions} new versions.",
        )
        if result.left_out:
            messages.warning(
                request,
                f"Left out {len(result.left_out)} question{'s' if len(result.left_out) != 1 else ''} "
                "with errors: " + "; ".join(result.left_out),
            )
        return redirect("quizzes:bank-detail", slug=bank.slug)

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, fmt = form.cleaned_data["file"], form.cleaned_data["format"]
        leave_out = form.cleaned_data["leave_out_errors"]
        text = None
        try:
            if upload.size > MAX_BYTES:
                decode(b"\0" * (MAX_BYTES + 1))  # the same refusal as any file over the limit
            text = decode(upload.read())
            result = _parse(bank, text, fmt, leave_out)
            if problems := source_conflicts(result.bank):
                raise BankFileError(problems)
        except BankFileError as exc:
            for error in exc.errors:
                form.add_error("file", error)
            # What else the file holds that cannot come over: kept, so one round of fixes is enough.
            context["refused_warnings"] = getattr(exc, "warnings", [])
            if text is not None:
                context["problems_payload"] = _sign(text, fmt, bank, leave_out)
        else:
            context["preview"] = _preview(result)
            context["payload"] = _sign(text, fmt, bank, leave_out)
            context["format_label"] = FORMATS[fmt]
    context["form"] = form
    return render(request, "quizzes/bank_import.html", context)


def _problems_download(bank, text: str, fmt: str, leave_out: bool) -> HttpResponse:
    """The errors and warnings of a previewed (or refused) file, as text, one a line with its line."""
    try:
        result = _parse(bank, text, fmt, leave_out)
        errors, warnings = result.left_out, result.warnings
    except BankFileError as exc:
        errors, warnings = exc.errors, getattr(exc, "warnings", [])
    response = HttpResponse(convert.problems_text(warnings, errors), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bank.slug}-import-problems.txt"'
    return response


@require_GET
@educator_required
def bank_export(request: HtmxHttpRequest, slug: str, fmt: str) -> HttpResponse:
    bank = get_bank_for(request.user, slug)
    if fmt not in FORMATS:
        raise Http404
    text, skipped = convert.serialise(export_bank(bank), fmt)
    extension, content_type = EXTENSIONS[fmt]
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bank.slug}.{extension}"'
    if skipped:
        response["X-Skipped-Questions"] = str(len(skipped))
    return response
