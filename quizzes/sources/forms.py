"""The form that starts a source or a revision: a title, and pasted text or an uploaded document."""

from django import forms

from quizzes.validators import PlainTextField

from .reading import KINDS, MAX_BYTES, UnreadableDocument, read
from .text import clean

MAX_PASTE = 500_000  # characters: a long document, well inside what one request should carry


class SourceForm(forms.Form):
    title = PlainTextField(max_length=200, help_text="As learners will see it, e.g. “MMN fact sheet”.")
    text = PlainTextField(
        required=False,
        max_length=MAX_PASTE,
        widget=forms.Textarea(attrs={"rows": 12}),
        label="Paste the text (plain text or Markdown)",
        help_text="Headings (a line of its own, or starting with #) become sections; sentences become "
        "passages.",
    )
    upload = forms.FileField(
        required=False,
        label="Or upload a document",
        help_text="A .txt, .md, .pdf or .docx file of at most 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(KINDS)}),
    )

    def __init__(self, *args, revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if revising:
            del self.fields["title"]

    def clean(self) -> dict:
        data = super().clean()
        upload, text = data.get("upload"), data.get("text", "")
        if upload and text.strip():
            raise forms.ValidationError("Paste the text or upload a document, not both.")
        if upload:
            if upload.size > MAX_BYTES:
                self.add_error(
                    "upload", f"The file is {upload.size:,} bytes; the limit is {MAX_BYTES:,} bytes (5 MB)."
                )
                return data
            try:
                data["document"] = read(upload.name, upload.read())
            except UnreadableDocument as exc:
                self.add_error("upload", str(exc))
        elif text.strip():
            data["document"] = clean(text)
        elif not self.errors:
            raise forms.ValidationError("Paste the text of the source, or upload a document.")
        return data
