from .base import SpecError
from .choice import ChoiceItem
from .forms import TrueFalseForm


class TrueFalse(ChoiceItem):
    """A statement to judge. Options are "True" then "False", never shuffled, scored 0/1."""

    name = "truefalse"
    label = "True or false"
    shuffle = False
    shuffle_note = ""
    min_options = max_options = 2

    def validate(self, spec: dict) -> list[SpecError]:
        errors = super().validate(spec)
        if not errors and [o["text"] for o in spec["options"]] != ["True", "False"]:
            errors.append(SpecError('options must be "True" then "False"', "options"))
        return errors

    def spec_form(self, data=None, *, spec: dict | None = None) -> TrueFalseForm:
        """The two options are fixed: the author picks the true one and explains both."""
        return TrueFalseForm(self, data, spec=spec)
