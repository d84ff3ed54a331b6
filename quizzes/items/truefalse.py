from .choice import ChoiceItem


class TrueFalse(ChoiceItem):
    """A statement to judge. Options are "True" then "False", never shuffled, scored 0/1."""

    name = "truefalse"
    label = "True or false"
    shuffle = False
    min_options = max_options = 2

    def validate(self, spec: dict) -> list[str]:
        errors = super().validate(spec)
        if not errors and [o["text"] for o in spec["options"]] != ["True", "False"]:
            errors.append('options must be "True" then "False"')
        return errors
