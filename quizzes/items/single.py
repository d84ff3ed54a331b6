from .choice import ChoiceItem


class SingleAnswer(ChoiceItem):
    """Single best answer: exactly one key, scored 0/1."""

    name = "single"
    label = "Single answer"
