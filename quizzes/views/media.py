"""Question images: a bank's Images page, where its educator uploads them, and the images themselves,
served by the app itself so that each request is checked (quizzes.accounts.access).

The stored name is the SHA-256 of the bytes, so a name's content never changes: the browser may keep it
for a year without asking again. Only the whitelisted raster kinds are ever stored (quizzes.media), and
the response says so with nosniff and a policy that lets nothing in it run.
"""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from quizzes import media
from quizzes.accounts.access import get_media_to_show
from quizzes.accounts.permissions import educator_required, get_bank_for
from quizzes.authoring.forms import MediaUploadForm
from quizzes.authoring.media import store
from quizzes.views.live import GUEST_SEATS
from quizzes.views.taking import HtmxHttpRequest

YEAR = 365 * 24 * 60 * 60


@require_safe
def media_file(request: HttpRequest, name: str) -> HttpResponse:
    image = get_media_to_show(request.user, name, request.session.get(GUEST_SEATS, {}))
    content_type = media.CONTENT_TYPES.get(image.name.rsplit(".", 1)[1])
    if content_type is None:  # never stored (quizzes.media.inspect); refused rather than guessed
        raise Http404
    etag = f'"{image.name.split(".")[0]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        try:
            stored = default_storage.open(media.storage_name(image.name), "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(stored, content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{image.name}"'
        response["Content-Length"] = str(image.size)
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    # An image needs no script, style or frame: if a browser ever rendered it as a document, nothing runs.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"private, max-age={YEAR}, immutable"
    response.keep_private_cache = True  # quizzes.middleware.private_pages leaves this Cache-Control alone
    return response


@require_http_methods(["GET", "POST"])
@educator_required
def bank_media(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The bank's images, each with the Markdown that shows it in a question, and a form to add one."""
    bank = get_bank_for(request.user, slug)
    form = MediaUploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            image = store(bank, upload.read(), alt=form.cleaned_data["alt"], user=request.user)
        except media.MediaError as error:
            form.add_error("image", f"{str(error)[:1].upper()}{str(error)[1:]}.")
        else:
            messages.success(
                request,
                "Image added. Paste this into a question to show it: "
                + media.reference(image.name, form.cleaned_data["alt"] or image.alt),
            )
            return redirect("quizzes:bank-media", slug=bank.slug)
    images = [
        {"image": image, "reference": media.reference(image.name, image.alt)}
        for image in bank.media.order_by("-created_at", "-id")
    ]
    return render(request, "quizzes/bank_media.html", {"bank": bank, "form": form, "images": images})
