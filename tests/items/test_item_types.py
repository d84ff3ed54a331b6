"""What every item type must do, checked for each: no key before answering, the answer through the real
form (htmx and plain POST), form errors and 400s that change nothing, the review, the bank file round trip
and the editor. Each type's own rules (grading tables, parsing, its editor's fields) have their own module.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.forms import BooleanField
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.formats import bankfile
from quizzes.formats.database import export_bank
from quizzes.items import ITEM_TYPES, get_item_type
from quizzes.models import Bank, Response, ReviewCard
from tests.bench.answers import answer_fields
from tests.conftest import without_tokens
from tests.items.itemkit import (
    EXPLANATION,
    HTMX,
    KEY_MARKERS,
    item_url,
    key_form,
    one_item_bank,
    post_answer,
    question,
    start,
    version_of,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Example:
    """One question of a type, and forms that answer it."""

    type: str
    spec: dict
    secrets: tuple[str, ...]  # text only the key holds: never on a page before the answer
    # A form that scores less than full marks, and forms no page of ours sends (each a 400); for types
    # whose inputs are named by ids, a function of the stored spec that builds the form.
    wrong: dict | Callable[[dict], dict]
    malformed: list[dict] | Callable[[dict], list[dict]] = field(default_factory=list)
    empty_status: int = 200  # a form with nothing in it: a form error, or a 400 where no page can send one

    def wrong_form(self, version) -> dict:
        return self.wrong(version.spec) if callable(self.wrong) else self.wrong

    def malformed_forms(self, version) -> list[dict]:
        return self.malformed(version.spec) if callable(self.malformed) else self.malformed


EXAMPLES = {
    "numeric": Example(
        type="numeric",
        spec={"accept": {"value": 4242.5, "tolerance": 0.25}, "unit": "mg"},
        secrets=("4242", "0.25"),
        wrong={"number": "17"},
        malformed=[{"number": "9" * 300}, {"number": ["1", "2"]}],
    ),
    "numeric-range": Example(
        type="numeric",
        spec={"accept": {"min": 7373, "max": 8383}, "unit": "%"},
        secrets=("7373", "8383"),
        wrong={"number": "50%"},
    ),
    "shortanswer": Example(
        type="shortanswer",
        spec={
            "answers": [
                {
                    "text": "KEYWORD-ONE",
                    "variants": ["KEYWORD-TWO"],
                    "correct": True,
                    "feedback": "RATIONALE-right",
                },
                {
                    "text": "corticosteroids",
                    "variants": [],
                    "correct": False,
                    "feedback": "RATIONALE-steroids",
                },
            ]
        },
        secrets=("KEYWORD", "corticosteroids"),
        wrong={"text": "Corticosteroids "},
        malformed=[{"text": "x" * 300}, {"text": ["a", "b"]}],
    ),
    "matching": Example(
        type="matching",
        spec={
            "premises": [
                {"text": "Alpha premise", "match": "MATCH-ONE", "rationale": "RATIONALE-1"},
                {"text": "Beta premise", "match": "MATCH-TWO", "rationale": "RATIONALE-2"},
                {"text": "Gamma premise", "match": "MATCH-ONE", "rationale": "RATIONALE-3"},
            ],
            "responses": ["MATCH-NONE", "MATCH-ONE", "MATCH-TWO"],  # the neutral (alphabetical) order
        },
        secrets=("RATIONALE",),
        # Everything matched to MATCH-TWO: one pair of three right.
        wrong=lambda spec: {f"match-{p['id']}": spec["responses"][2]["id"] for p in spec["premises"]},
        malformed=lambda spec: [
            {f"match-{spec['premises'][0]['id']}": "forged"},
            {f"match-{spec['premises'][0]['id']}": [r["id"] for r in spec["responses"][:2]]},
        ],
    ),
    "ordering": Example(
        type="ordering",
        spec={
            "scoring": "position",
            "steps": [{"text": f"Step {n}", "rationale": f"RATIONALE-{n}"} for n in "ABCD"],
        },
        secrets=("RATIONALE",),
        wrong=lambda spec: {"order": [s["id"] for s in reversed(spec["steps"])]},
        malformed=lambda spec: [
            {"order": [s["id"] for s in spec["steps"][:3]]},
            {"order": [s["id"] for s in spec["steps"][:3]] + ["forged"]},
            {"order": [s["id"] for s in spec["steps"]], "move": "up:forged"},
            {"order": [s["id"] for s in spec["steps"]], "move": "sideways:" + spec["steps"][1]["id"]},
        ],
        empty_status=400,
    ),
    "matrix": Example(
        type="matrix",
        spec={
            "per_row": "one",
            "columns": ["Expected", "Not expected"],
            "rows": [
                {"text": "Row A", "correct": ["Expected"], "rationale": "RATIONALE-A"},
                {"text": "Row B", "correct": ["Not expected"], "rationale": "RATIONALE-B"},
                {"text": "Row C", "correct": ["Expected"], "rationale": "RATIONALE-C"},
            ],
        },
        secrets=("RATIONALE",),
        # "Expected" everywhere: two rows of three right.
        wrong=lambda spec: {f"row-{r['id']}": spec["columns"][0]["id"] for r in spec["rows"]},
        malformed=lambda spec: [
            {f"row-{spec['rows'][0]['id']}": "forged"},
            {f"row-{spec['rows'][0]['id']}": [c["id"] for c in spec["columns"]]},  # two in a one-per-row
        ],
    ),
    "matrix-several": Example(
        type="matrix",
        spec={
            "per_row": "several",
            "columns": ["Col 1", "Col 2", "Col 3"],
            "rows": [
                {"text": "Row A", "correct": ["Col 1", "Col 3"], "rationale": "RATIONALE-A"},
                {"text": "Row B", "correct": ["Col 2"], "rationale": "RATIONALE-B"},
            ],
        },
        secrets=("RATIONALE",),
        wrong=lambda spec: {f"row-{r['id']}": [c["id"] for c in spec["columns"]] for r in spec["rows"]},
    ),
    "cloze": Example(
        type="cloze",
        spec={
            "passage": "First [[1]], then [[2]].",
            "blanks": [
                {"choices": ["CHOICE-A", "CHOICE-B"], "correct": "CHOICE-A", "rationale": "RATIONALE-1"},
                {
                    "choices": ["CHOICE-C", "CHOICE-D", "CHOICE-E"],
                    "correct": "CHOICE-E",
                    "rationale": "RATIONALE-2",
                },
            ],
        },
        secrets=("RATIONALE",),
        # The first choice of each blank: one of two right.
        wrong=lambda spec: {f"blank-{b['id']}": b["choices"][0]["id"] for b in spec["blanks"]},
        malformed=lambda spec: [
            {f"blank-{spec['blanks'][0]['id']}": "forged"},
            # a choice of the second blank is not a choice of the first
            {f"blank-{spec['blanks'][0]['id']}": spec["blanks"][1]["choices"][0]["id"]},
            {f"blank-{spec['blanks'][0]['id']}": [c["id"] for c in spec["blanks"][0]["choices"]]},
        ],
    ),
}

# Every registered type beyond the three choice types has an example here.
NEW_TYPES = set(ITEM_TYPES) - {"single", "multiple", "truefalse"}


def test_every_new_item_type_has_an_example():
    assert {e.type for e in EXAMPLES.values()} == NEW_TYPES


@pytest.fixture(params=sorted(EXAMPLES))
def example(request) -> Example:
    return EXAMPLES[request.param]


@pytest.fixture
def bank(example) -> Bank:
    return one_item_bank(example.type, example.spec)


def assert_no_key(html: str, example) -> None:
    page = without_tokens(html)  # a key such as 4242 could turn up in a token by chance
    for secret in (*example.secrets, *KEY_MARKERS):
        assert secret not in page, secret


def test_an_unanswered_item_carries_no_key(learner_client, learner, bank, example):
    attempt = start(learner, bank)
    for extra in ({}, HTMX):
        response = learner_client.get(item_url(attempt), **extra)
        html = response.content.decode()
        assert response.status_code == 200
        assert "STEM-MARK" in html and "<fieldset" in html and "<legend" in html
        assert_no_key(html, example)
    assert "<html" not in html and html.lstrip().startswith('<section id="question-card"')


def test_an_answered_exam_item_shows_the_answer_given_but_no_key(learner_client, learner, bank, example):
    attempt = start(learner, bank, "exam")
    assert post_answer(learner_client, attempt, example.wrong_form(version_of(attempt))).status_code == 302
    html = learner_client.get(item_url(attempt)).content.decode()
    assert_no_key(html, example)


def test_the_key_through_the_form_scores_full_marks_with_htmx(learner_client, learner, bank):
    attempt = start(learner, bank)
    version = version_of(attempt)
    response = post_answer(learner_client, attempt, key_form(version), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="question-card"')
    assert "<strong>Correct</strong>" in html and EXPLANATION in html
    points = version.max_points
    assert f"{points:g} of {points:g} point" in html
    assert Response.objects.get().points == points


def test_a_wrong_answer_without_javascript_redirects_to_its_feedback(learner_client, learner, bank, example):
    attempt = start(learner, bank)
    response = post_answer(learner_client, attempt, example.wrong_form(version_of(attempt)))
    assert response.status_code == 302 and response.url == item_url(attempt)
    html = learner_client.get(response.url).content.decode()
    assert "Your answer" in html and "Correct answer" in html and EXPLANATION in html
    assert Response.objects.get().points < version_of(attempt).max_points


def test_nothing_answered_is_a_form_error_that_records_nothing(learner_client, learner, bank, example):
    attempt = start(learner, bank)
    response = post_answer(learner_client, attempt, {}, **HTMX)
    html = response.content.decode()
    assert response.status_code == example.empty_status
    if example.empty_status == 200:
        assert 'role="alert"' in html and "before submitting" in html
    assert not Response.objects.exists()


def test_a_malformed_form_is_a_400_that_records_nothing(learner_client, learner, bank, example):
    attempt = start(learner, bank)
    for form in example.malformed_forms(version_of(attempt)):
        response = post_answer(learner_client, attempt, form)
        assert response.status_code == 400, form
        assert "<h1" in response.content.decode()
    assert not Response.objects.exists()


def test_answer_form_and_parse_answer_are_inverses(learner, bank):
    version = version_of(start(learner, bank))
    item, key = version.item, version.item.key_answer(version.spec)
    assert item.parse_answer(version.spec, item.answer_form(version.spec, key)) == key
    assert item.grade(version.spec, key).is_correct
    assert item.grade(version.spec, None).points == 0


def test_results_show_each_items_points(learner_client, learner, bank, example):
    attempt = start(learner, bank)
    post_answer(learner_client, attempt, example.wrong_form(version_of(attempt)))
    learner_client.post(reverse("quizzes:attempt-finish", args=[attempt.code]))
    html = learner_client.get(reverse("quizzes:attempt-result", args=[attempt.code])).content.decode()
    response = Response.objects.get()
    assert f"{response.points:g} of {response.max_points:g} point" in html
    assert "Your answer" in html and EXPLANATION in html


def test_the_bank_file_round_trips_exactly(example):
    data = bankfile.BankData(
        slug="b", title="B", topics=[("t", "T")], questions=[question(example.type, example.spec)]
    )
    text = bankfile.dump(data)
    assert json.loads(text)["questions"][0]["type"] == example.type
    assert bankfile.dump(bankfile.parse(text)) == text  # reading it back loses nothing


def test_exporting_a_loaded_bank_gives_its_file_again(bank, example):
    exported = bankfile.dump(export_bank(bank))
    spec = {
        k: v
        for k, v in json.loads(exported)["questions"][0].items()
        if k in get_item_type(example.type).fields
    }
    assert spec == example.spec
    assert bankfile.dump(bankfile.parse(exported)) == exported


def test_the_editor_and_its_preview_work_for_the_type(client, educator, bank, example):
    bank.owner = educator
    bank.save()
    client.force_login(educator)
    create = reverse("quizzes:question-create", args=[bank.slug, example.type])
    assert client.get(create).status_code == 200
    preview = reverse("quizzes:question-preview", args=[bank.slug, example.type])
    empty = client.post(preview, {}, **HTMX)  # nothing typed yet: the preview says what is missing
    assert empty.status_code == 200 and "Not ready to save yet" in empty.content.decode()
    question_pk = bank.questions.get().pk
    html = client.get(reverse("quizzes:question-edit", args=[question_pk])).content.decode()
    preview_html = html.split('id="question-preview"')[1]
    assert "STEM-MARK" in preview_html and "Correct" in preview_html and "Not ready" not in preview_html


def test_the_bench_learners_answer_every_type_from_the_card_alone(learner_client, learner, bank):
    """make bench answers the exam's items from their HTML (tests/bench/answers.py), whatever their type."""
    attempt = start(learner, bank, "exam")
    card = learner_client.get(item_url(attempt), **HTMX).content.decode()
    fields = {}
    for name, value in answer_fields(card):
        fields.setdefault(name, []).append(value)
    assert post_answer(learner_client, attempt, fields, **HTMX).status_code == 200
    assert Response.objects.filter(slot__attempt=attempt).count() == 1


# -- the editor, through its pages ------------------------------------------------------------------------


def editor_post(spec_form) -> dict:
    """What the editor's spec fields post when sent back as they were filled in: plain fields and rows."""
    forms = [spec_form.form, *(form for rows in spec_form.formsets.values() for form in rows.forms)]
    data = {}
    for form in forms:
        for name, field_ in form.fields.items():
            value = form[name].value()
            if isinstance(field_, BooleanField):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif value not in (None, ""):
                data[form.add_prefix(name)] = value
    for rows in spec_form.formsets.values():
        data |= {f"{rows.prefix}-TOTAL_FORMS": str(len(rows.forms)), f"{rows.prefix}-INITIAL_FORMS": "0"}
    return data


def shared_fields(bank: Bank, **changes) -> dict:
    fields = {
        "stem": "STEM-MARK: written in the editor",
        "explanation": "EXPLANATION-MARK",
        "source_section": "How is MMN treated?",
        "difficulty": "medium",
        "topic": bank.topics.get().pk,
    }
    return fields | changes


@pytest.fixture
def editor(client, educator, bank):
    bank.owner = educator
    bank.save()
    client.force_login(educator)
    return client


def test_a_question_written_in_the_editor_is_saved_with_its_spec(editor, bank, example):
    item = get_item_type(example.type)
    data = shared_fields(bank) | editor_post(item.spec_form(spec=item.normalise(example.spec)))
    response = editor.post(reverse("quizzes:question-create", args=[bank.slug, example.type]), data)
    assert response.status_code == 302
    version = bank.questions.get(current_version__stem="STEM-MARK: written in the editor").current_version
    assert version.item_type == example.type and item.content(version.spec) == example.spec


def test_saving_a_question_unchanged_makes_no_new_version(editor, bank, example):
    question = bank.questions.get()
    item = get_item_type(example.type)
    data = shared_fields(bank, stem=question.current_version.stem, base_version=1)
    data |= editor_post(item.spec_form(spec=question.current_version.spec))
    response = editor.post(reverse("quizzes:question-edit", args=[question.pk]), data, follow=True)
    assert "no new version was needed" in response.content.decode()
    assert question.versions.count() == 1


def test_a_spec_with_nothing_in_it_is_refused_with_errors_beside_the_fields(editor, bank, example):
    url = reverse("quizzes:question-create", args=[bank.slug, example.type])
    response = editor.post(url, shared_fields(bank) | editor_post(get_item_type(example.type).spec_form()))
    html = response.content.decode()
    assert response.status_code == 200 and 'class="errorlist' in html
    assert "Not ready to save yet" in html  # and the preview says what is missing
    assert bank.questions.count() == 1


# -- queries and the review queue -------------------------------------------------------------------------


def queries(client, method: str, url: str, data=None, **extra) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {}, **extra)
    assert response.status_code in (200, 302)
    return sum("SAVEPOINT" not in q["sql"] for q in captured.captured_queries)


def test_taking_an_item_makes_as_few_queries_as_a_choice_item(learner_client, learner, bank, example):
    attempt = start(learner, bank)
    form = dict(example.wrong_form(version_of(attempt)))
    # attempt + quiz, slot + version + response
    assert queries(learner_client, "get", item_url(attempt), **HTMX) == 2
    # one read: the attempt locked with its quiz, the slot (and the next) with version and response;
    # insert; the passages the feedback quotes
    assert (
        queries(
            learner_client,
            "post",
            reverse("quizzes:attempt-answer", args=[attempt.code]),
            {"slot": 1} | form,
            **HTMX,
        )
        == 3
    )


def test_a_mistake_comes_back_for_review_without_its_key_and_is_answered_there(
    learner_client, learner, bank, example
):
    attempt = start(learner, bank)
    post_answer(learner_client, attempt, example.wrong_form(version_of(attempt)))
    learner_client.post(reverse("quizzes:attempt-finish", args=[attempt.code]))
    ReviewCard.objects.update(due=timezone.now() - timedelta(minutes=1))
    card = ReviewCard.objects.get()
    html = learner_client.get(reverse("quizzes:review-next")).content.decode()
    assert "STEM-MARK" in html
    assert_no_key(html, example)
    url = reverse("quizzes:review-answer", args=[card.pk])
    fields = key_form(card.question.current_version)
    form = {"round": str(card.review_count), **{name: fields.getlist(name) for name in fields}}
    html = learner_client.post(url, form, **HTMX).content.decode()
    assert "<strong>Correct</strong>" in html and EXPLANATION in html
    assert ReviewCard.objects.get().review_count == card.review_count + 1


def test_the_preview_shows_any_half_written_spec_without_failing(editor, bank, example):
    """Typing goes through every state: each field of a finished spec blanked, or changed to nonsense."""
    item = get_item_type(example.type)
    full = shared_fields(bank) | editor_post(item.spec_form(spec=item.normalise(example.spec)))
    url = reverse("quizzes:question-preview", args=[bank.slug, example.type])
    spec_fields = [name for name in full if name.startswith("spec-") and not name.endswith("_FORMS")]
    for name in spec_fields:
        for value in ("", "[[9]] ~ x"):
            response = editor.post(url, full | {name: value}, **HTMX)
            assert response.status_code == 200, (name, value)
            assert response.content.decode().lstrip().startswith('<section id="question-preview"')


class _FormState(HTMLParser):
    """What a browser would send from the page's answer inputs as they stand: ticked boxes and radio
    buttons, chosen options, typed text and hidden step orders (not the slot, token, stamp or buttons)."""

    SKIP = {"slot", "shown", "csrfmiddlewaretoken", "confidence"}

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.select = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))
        elif tag == "input" and name and name not in self.SKIP:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = ""


def form_state(html: str) -> list[tuple[str, str]]:
    parser = _FormState()
    parser.feed(html)
    return parser.fields  # in page order: an ordering's steps are its answer


@pytest.mark.parametrize("extra", [{}, HTMX], ids=["page", "fragment"])
def test_flagging_any_item_type_keeps_the_answer_being_built(learner_client, learner, bank, example, extra):
    """The exam room's Flag button sends the answer form: whatever the type, the item comes back as the
    learner left it, flagged, and nothing is answered."""
    attempt = start(learner, bank, "exam")
    fields = example.wrong_form(version_of(attempt))
    response = post_answer(learner_client, attempt, {**fields, "flag": "on"}, **extra)
    assert response.status_code == 200
    assert attempt.slots.get(number=1).flagged and not Response.objects.exists()
    assert_no_key(response.content.decode(), example)
    # What the page now holds reads as the same answer as what was sent (typed text comes back tidied).
    version = version_of(attempt)
    held = QueryDict(mutable=True)
    for name, value in form_state(response.content.decode()):
        held.appendlist(name, value)
    sent = QueryDict(mutable=True)
    for name, value in fields.items():
        sent.setlist(name, [value] if isinstance(value, str) else list(value))
    assert version.item.parse_answer(version.spec, held) == version.item.parse_answer(version.spec, sent)
