"""The words users read: one spelling (US English: "practice" as noun and verb, "judgment", "analyze"), and
nothing said twice on a page.

The scan covers every template (less its {# #} comments), every string in quizzes/ that is not a docstring
(labels, messages, instructions), and the shipped bank file.
"""

import ast
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from quizzes.items import ITEM_TYPES
from quizzes.text import said_already, without_trailing_citation

ROOT = Path(settings.BASE_DIR)
BRITISH = re.compile(
    r"\b(practis(?:e|ed|es|ing)|judgement\w*|analys(?:e|ed|es|ing)|colour\w*|behaviour\w*|organis(?:e|ed|ing|ation)\w*"
    r"|recognis(?:e|ed|es|ing)|centre\w*|favourite\w*|licence|catalogue)\b",
    re.IGNORECASE,
)


def template_words() -> dict[str, str]:
    found = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text("utf-8"), flags=re.S)
        found[str(path.relative_to(ROOT))] = re.sub(
            r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", text, flags=re.S
        )
    return found


def shown_strings() -> dict[str, str]:
    """Each string literal of quizzes/ that is not a docstring, by file and line."""
    found = {}
    for path in sorted((ROOT / "quizzes").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                found[f"{path.relative_to(ROOT)}:{node.lineno}"] = node.value
    return found


def bank_strings() -> dict[str, str]:
    found = {}

    def walk(value, where):
        if isinstance(value, str):
            found[where] = value
        elif isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{where}.{key}")
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, f"{where}[{index}]")

    for path in sorted((ROOT / "quizzes" / "banks").glob("*.json")):
        walk(json.loads(path.read_text("utf-8")), str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("source", [template_words, shown_strings, bank_strings], ids=lambda f: f.__name__)
def test_one_spelling_us_english(source):
    british = {where: match.group() for where, text in source().items() if (match := BRITISH.search(text))}
    assert not british, f"British spellings shown to users (use US English): {british}"


def test_the_scan_finds_a_british_spelling():
    assert BRITISH.search("Practise this topic") and BRITISH.search("2 attempts analysed")
    assert not BRITISH.search("Practice this topic; the practice quizzes; 2 attempts analyzed")


def test_select_all_that_apply_is_printed_once_when_the_stem_says_it():
    item = ITEM_TYPES["multiple"]
    spec = {
        "options": [
            {"id": "a", "text": "Weakness", "correct": True, "rationale": ""},
            {"id": "b", "text": "Numbness", "correct": False, "rationale": ""},
        ]
    }
    assert item.public_view("Which are features? Select all that apply.", spec, None).instructions == ""
    assert item.public_view("Which are features?", spec, None).instructions == "Select all that apply."
    assert said_already("Which? select all that apply", "Select all that apply.")
    assert not said_already("Which?", "")


def test_a_citation_at_the_end_of_an_explanation_is_left_to_the_source_line():
    text = 'MMN is rare. (Fact sheet: "What is Multifocal Motor Neuropathy (MMN)?")'
    assert without_trailing_citation(text) == "MMN is rare."
    assert (
        without_trailing_citation("IVIG helps (as the fact sheet says).")
        == "IVIG helps (as the fact sheet says)."
    )
    assert without_trailing_citation("No citation here.") == "No citation here."


def test_practice_feedback_names_the_fact_sheet_section_once(learner_client, learner, practice_quiz):
    from quizzes.taking import attempts
    from tests.conftest import chosen

    attempt = attempts.start_attempt(learner, practice_quiz)
    slot = attempt.slots.select_related("version").get(number=1)
    version = slot.version
    # As the shipped bank writes it: the section in the explanation too. Versions are immutable; the
    # test's data is changed in the table.
    cited = f'{version.explanation} (Fact sheet: "{version.source_section}")'
    type(version).objects.filter(pk=version.pk).update(explanation=cited)
    attempts.record_answer(attempt, 1, chosen([version.spec["options"][0]["id"]]))
    page = learner_client.get(f"/attempts/{attempt.code}/items/1/").content.decode()
    assert page.count(version.source_section) == 1, page


def test_welcome_back_only_to_a_learner_who_has_been_here_before(learner_client, learner, practice_quiz):
    from quizzes.taking import attempts

    home = learner_client.get("/").content.decode()
    assert f"<h1>Welcome, {learner.username}</h1>" in home and "Welcome back" not in home
    attempts.start_attempt(learner, practice_quiz)
    assert f"<h1>Welcome back, {learner.username}</h1>" in learner_client.get("/").content.decode()


def test_without_indentation_drops_blanks_a_template_leaves_and_keeps_what_shows():
    from quizzes.text import without_indentation

    html = '<p>\n    <label><input type="radio"> Sure</label>\n\n    \n  <span>a</span>\n</p>'
    assert without_indentation(html) == '<p>\n<label><input type="radio"> Sure</label>\n<span>a</span>\n</p>'
    kept = "<pre>\n    indented code\n</pre>\n   <p>x</p>"
    assert without_indentation(kept) == kept  # <pre> and <textarea> keep their blanks, so nothing is touched
    assert without_indentation("<TEXTAREA>\n  a</TEXTAREA>") == "<TEXTAREA>\n  a</TEXTAREA>"
