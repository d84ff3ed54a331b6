"""What a learner's browser posts to answer the item on a card, whatever its type: the bench's learners
answer the exam this way, since its 25 questions are drawn from every item type.

Plain standard library (the locust venv has no Django): the first choice of each group of radio buttons
or tick boxes and of each drop-down, a number or a word typed, an ordering's steps as shown.
"""

from html.parser import HTMLParser


class _AnswerFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None  # the drop-down being read, until it has its first real choice

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        name = a.get("name", "")
        if tag == "select":
            self.select = name
        elif tag == "option" and self.select and a.get("value"):
            self.fields.append((self.select, a["value"]))
            self.select = None
        elif tag == "input" and name not in ("", "slot", "round", "csrfmiddlewaretoken"):
            kind = a.get("type", "text")
            first_of_group = kind in ("radio", "checkbox") and name not in {n for n, _ in self.fields}
            if first_of_group or kind == "hidden":  # hidden: an ordering's steps, in the order shown
                self.fields.append((name, a.get("value", "")))
            elif kind == "text":
                self.fields.append((name, "1" if name == "number" else "an answer"))


def answer_fields(card: str) -> list[tuple[str, str]]:
    """The answer fields for the item in the question card's HTML (without the slot and the CSRF token)."""
    parser = _AnswerFields()
    parser.feed(card)
    return parser.fields
