from collections.abc import Sequence

from .base import Grade
from .choice import ChoiceItem


def sata_points(keys_chosen: int, distractors_chosen: int) -> int:
    """NCSBN's +/- rule: +1 per key chosen, -1 per distractor chosen, never below 0."""
    return max(0, keys_chosen - distractors_chosen)


class SelectAllThatApply(ChoiceItem):
    """Select all that apply (SATA): at least one key and one distractor, scored out of the keys."""

    name = "multiple"
    label = "Select all that apply"
    input_type = "checkbox"
    instructions = "Select all that apply."
    min_options = 3
    author_instructions = "Tick every correct option, and leave at least one distractor unticked."

    def validate_keys(self, flags: list[bool]) -> list[str]:
        errors = []
        if not any(flags):
            errors.append("needs at least one correct option")
        if all(flags):
            errors.append("needs at least one incorrect option (a distractor)")
        return errors

    def max_points(self, spec: dict) -> float:
        return float(sum(1 for o in spec["options"] if o["correct"]))

    def score(self, spec: dict, answer: Sequence[str]) -> Grade:
        keys = {o["id"] for o in spec["options"] if o["correct"]}
        chosen = set(answer)
        points = sata_points(len(chosen & keys), len(chosen - keys))
        return Grade(points=float(points), max_points=float(len(keys)))
