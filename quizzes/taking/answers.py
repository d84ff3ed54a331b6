"""Reading a learner's posted answer: the one door every answer goes through (quizzes, reviews, and the
draft of an answer shown back with a form error), so that what cannot be stored is refused in one place.
"""

from typing import Any

from django.http import QueryDict

from ..items import InvalidAnswer
from ..models import QuestionVersion
from ..validators import control_character_problem


def read_answer(version: QuestionVersion, data: QueryDict) -> Any:
    """The answer to `version` in the posted form `data`, as its item type reads it.

    Raises InvalidAnswer (a 400) when any posted value holds a control character: the answer is stored
    as JSON, which PostgreSQL cannot hold with a NUL in it, and no form a page sends can contain one.
    Otherwise raises whatever the item type's parse_answer raises.
    """
    for _, values in data.lists():
        for value in values:
            if problem := control_character_problem(value):
                raise InvalidAnswer(f"Your answer {problem}.")
    return version.item.parse_answer(version.spec, data)
