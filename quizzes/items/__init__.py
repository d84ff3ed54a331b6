"""Item types, one module each. Adding a type means adding a module and registering it here."""

from .base import EmptyAnswer, Grade, InvalidAnswer, ItemReview, PublicItem, SpecError
from .choice import ChoiceItem
from .multiple import SelectAllThatApply
from .single import SingleAnswer
from .truefalse import TrueFalse

ITEM_TYPES: dict[str, ChoiceItem] = {t.name: t for t in (SingleAnswer(), SelectAllThatApply(), TrueFalse())}
ITEM_TYPE_CHOICES = [(name, item.label) for name, item in ITEM_TYPES.items()]


def get_item_type(name: str) -> ChoiceItem:
    return ITEM_TYPES[name]


__all__ = [
    "ITEM_TYPES",
    "ITEM_TYPE_CHOICES",
    "EmptyAnswer",
    "Grade",
    "InvalidAnswer",
    "ItemReview",
    "PublicItem",
    "SpecError",
    "get_item_type",
]
