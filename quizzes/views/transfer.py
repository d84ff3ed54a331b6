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

from quizzes.formats import convert
from quizzes.formats.bankfile import BankFileError
from quizzes.formats.common import FORMATS, MAX_BYTES, decode
from quizzes.formats.database import export_bank, import_bank
from quizzes.import_forms import ImportForm
from quizzes.items import ITEM_TYPES
from quizzes.permissions import educator_required, get_bank_for
from quizzes.views.taking import HtmxHttpRequest

SALT = "quizzes.bank-import"
PAYLOAD_MAX_AGE = 60 * 60  # an hour to look the preview over
EXTENSIONS = {
    "json": ("json", "application/json"),
    "gift": ("gift.txt", "text/plain"),
    "moodlexml": ("xml", "application/xml"),
}


def _parse(bank, text: str, fmt: str):
    result = convert.parse(text, fmt, slug=bank.slug, title=bank.title)
    # Whatever the file says its bank is, it goes into this one (a bank file may name another's bank).
    result.bank = convert.into_bank(result.bank, bank)
    return result


def _preview(result) -> dict:
    titles = dict(result.bank.topics)
    return {
        "by_type": sorted(Counter(ITEM_TYPES[q.type].label for q in result.bank.questions).items()),
        "by_topic": sorted(Counter(titles[q.topic] for q in result.bank.questions).items()),
        "total": len(result.bank.questions),
        "quizzes": len(result.bank.quizzes),
        "warnings": result.warnings,
    }


@require_http_methods(["GET", "POST"])
@educator_required
def bank_import(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    bank = get_bank_for(request.user, slug)
    context: dict = {"bank": bank}
    if request.method == "POST" and "payload" in request.POST:
        try:
            signed = signing.loads(request.POST["payload"], salt=SALT, max_age=PAYLOAD_MAX_AGE)
            text, fmt, target = signed["text"], signed["format"], signed["bank"]
        except (signing.BadSignature, KeyError, TypeError):
            return HttpResponseBadRequest("The preview has expired or was changed. Upload the file again.")
        if target != bank.pk:
            raise Http404
        try:
            result = _parse(bank, text, fmt)
        except BankFileError:
            return HttpResponseBadRequest("The file no longer reads. Upload it again.")
        report = import_bank(result.bank, owner=request.user)
        messages.success(
            request,
            f"Imported into “{bank.title}”: {report.created} new questions, "
            f"{report.new_versions} new versions.",
        )
        return redirect("quizzes:bank-detail", slug=bank.slug)

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, fmt = form.cleaned_data["file"], form.cleaned_data["format"]
        try:
            if upload.size > MAX_BYTES:
                decode(b"\0" * (MAX_BYTES + 1))  # the same refusal as any file over the limit
            text = decode(upload.read())
            result = _parse(bank, text, fmt)
        except BankFileError as exc:
            for error in exc.errors:
                form.add_error("file", error)
        else:
            context["preview"] = _preview(result)
            context["payload"] = signing.dumps(
                {"text": text, "format": fmt, "bank": bank.pk}, salt=SALT, compress=True
            )
            context["format_label"] = FORMATS[fmt]
    context["form"] = form
    return render(request, "quizzes/bank_import.html", context)


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
