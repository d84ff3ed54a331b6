"""The upload form of the import page: a file and its format. Reading the file is the domain's job
(quizzes.formats.common.decode refuses what is too big or not UTF-8); this form only asks for it."""

from django import forms

from ..formats.common import FORMATS, MAX_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text=(
            f"GIFT (.txt, .gift), Moodle XML (.xml) or a bank file (.json), at most {MAX_BYTES // 2**20} MB."
        ),
    )
    format = forms.ChoiceField(label="Format", choices=list(FORMATS.items()), initial="gift")
    leave_out_errors = forms.BooleanField(
        label="Import the questions that read, and leave out the ones with errors",
        required=False,
        help_text=(
            "Off: a file with any error is refused whole. On: the questions with errors are left out, "
            "and the preview and the summary list each one with its line and why."
        ),
    )
