"""A corpus of bad input: every request gets a clear 4xx and changes nothing."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt, Quiz, Response, ReviewCard
from quizzes.taking import attempts
from tests.items.itemkit import one_item_bank, post_answer, start

pytestmark = pytest.mark.django_db

HUGE = "x" * 1_000_000


def state() -> tuple:
    return (
        User.objects.count(),
        Attempt.objects.count(),
        Attempt.objects.filter(finished_at__isnull=False).count(),
        list(Response.objects.values_list("slot_id", "answer", "points")),
        ReviewCard.objects.count(),
    )


@pytest.fixture
def attempt(learner, practice_quiz):
    return attempts.start_attempt(learner, practice_quiz)


def answer_url(attempt):
    return reverse("quizzes:attempt-answer", args=[attempt.code])


BAD_ANSWERS = {
    "forged option id": {"slot": "1", "option": "deadbeef"},
    "huge option id": {"slot": "1", "option": HUGE},
    "huge slot": {"slot": "9" * 5000, "option": "x"},
    "negative slot": {"slot": "-3", "option": "x"},
    "control characters": {"slot": "1\x00", "option": "\x1b[31m"},
    "unicode digits": {"slot": "١", "option": "x"},
    "no slot": {"option": "x"},
}


@pytest.mark.parametrize("data", BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_bad_answers_are_refused_and_change_nothing(learner_client, attempt, data):
    before = state()
    response = learner_client.post(answer_url(attempt), data)
    assert response.status_code == 400
    assert state() == before


def test_invalid_utf8_in_the_body_is_refused(learner_client, attempt):
    before = state()
    response = learner_client.generic(
        "POST",
        answer_url(attempt),
        b"slot=1&option=%ff%fe\xff",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert state() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_wrong_methods_get_405(learner_client, attempt, method):
    before = state()
    for url in (answer_url(attempt), reverse("quizzes:attempt-finish", args=[attempt.code])):
        assert getattr(learner_client, method)(url).status_code == 405
    assert state() == before


@pytest.mark.parametrize(
    "code", ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "1", "%00", "' OR 1=1 --"]
)
def test_unknown_or_malformed_attempt_codes_are_404(learner_client, code):
    assert learner_client.get(f"/attempts/{code}/").status_code == 404
    assert learner_client.post(f"/attempts/{code}/answer/", {"slot": 1}).status_code == 404


def test_another_learners_uuid_is_404_and_changes_nothing(client, other_learner, attempt):
    client.force_login(other_learner)
    before = state()
    assert client.post(answer_url(attempt), {"slot": 1, "option": "x"}).status_code == 404
    assert client.post(reverse("quizzes:attempt-finish", args=[attempt.code])).status_code == 404
    assert state() == before


def test_missing_csrf_token_is_403_with_an_explanation(learner, attempt):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    before = state()
    response = client.post(answer_url(attempt), {"slot": 1, "option": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "security token" in response.content.decode()
    assert client.post(reverse("quizzes:attempt-finish", args=[attempt.code])).status_code == 403
    assert state() == before


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HX_REQUEST": "yes please"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "javascript:alert(1)"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "<script>", "HTTP_HX_TRIGGER": "\x00"},
        {"HTTP_HX_REQUEST": "\u202e"},
    ],
)
def test_malformed_htmx_headers_do_not_break_anything(learner_client, attempt, headers):
    item = learner_client.get(reverse("quizzes:attempt-item", args=[attempt.code, 1]), **headers)
    assert item.status_code == 200
    before = state()
    assert (
        learner_client.post(answer_url(attempt), {"slot": 1, "option": "forged"}, **headers).status_code
        == 400
    )
    assert state() == before


@pytest.mark.parametrize(
    "username",
    ["", "x" * 200, "bad\x00name", "<script>alert(1)</script>", "tab\tname"],
)
def test_bad_sign_ups_get_form_errors(client, username):
    before = state()
    response = client.post(
        reverse("signup"),
        {"username": username, "password1": "long-enough-pass-9", "password2": "long-enough-pass-9"},
    )
    assert response.status_code in (200, 400)
    assert 'class="error"' in response.content.decode() or response.status_code == 400
    assert state() == before


def test_huge_history_filter_values_are_handled(learner_client):
    response = learner_client.get(
        reverse("quizzes:attempt-list"), {"quiz": HUGE[:10000], "mode": HUGE[:10000]}
    )
    assert response.status_code == 200
    assert "That filter is not available" in response.content.decode()


def test_page_numbers_out_of_range_fall_back(learner_client):
    for page in ("0", "-1", "99999", "abc", "1e309"):
        assert learner_client.get(reverse("quizzes:attempt-list"), {"page": page}).status_code == 200


def test_a_two_step_ordering_item_is_a_line_numbered_import_error_and_writes_nothing(tmp_path):
    # Two steps have one wrong order, so showing it gives the key away (issue 15, finding 5).
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from quizzes.models import Bank

    path = tmp_path / "two-steps.json"
    path.write_text(
        '{"format": 1, "bank": {"slug": "b", "title": "B", "description": "", "source": ""},\n'
        ' "topics": [{"slug": "t", "title": "T"}],\n'
        ' "questions": [\n'
        '  {"key": "two", "topic": "t", "type": "ordering", "difficulty": "easy", "source_section": "s",\n'
        '   "stem": "Order", "explanation": "e", "scoring": "position",\n'
        '   "steps": [{"text": "A", "rationale": "r"}, {"text": "B", "rationale": "r"}]}],\n'
        ' "quizzes": []}\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"line 4: question two: needs 3 to 8 steps, has 2"):
        call_command("loadbank", str(path))
    assert not Bank.objects.exists()


@pytest.mark.parametrize(
    "username", ["u" * 300, "x" * 100_000, "ada\x00", "\x1b[31mada"], ids=["300", "100k", "nul", "escape"]
)
def test_bad_log_in_usernames_get_form_errors(client, username):
    before = state()
    response = client.post(reverse("login"), {"username": username, "password": "whatever-it-is"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(
    "password", [" " * 12, "\u200b" * 12, "a" * 15], ids=["spaces", "zero-width", "repeated"]
)
def test_blank_or_repeated_sign_up_passwords_get_form_errors(client, password):
    before = state()
    response = client.post(
        reverse("signup"), {"username": "mary", "password1": password, "password2": password}
    )
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert state() == before


# -- control characters in a learner's typed answer (issue 15, finding 1): a 400, never a 500 --------------

TYPED_ANSWERS = {
    "NUL": "IV\x00IG",
    "escape": "\x1b[31mIVIG",
    "vertical tab": "IVIG\x0b",
    "non-character": "IVIG\uffff",
}


@pytest.fixture
def short_answer_bank(db):
    spec = {"answers": [{"text": "IVIG", "variants": [], "correct": True, "feedback": ""}]}
    return one_item_bank("shortanswer", spec, slug="typed")


@pytest.mark.parametrize("typed", TYPED_ANSWERS.values(), ids=TYPED_ANSWERS.keys())
@pytest.mark.parametrize("mode", ["practice", "exam"])
def test_control_characters_in_a_typed_answer_are_a_400(
    learner, learner_client, short_answer_bank, typed, mode
):
    attempt = start(learner, short_answer_bank, mode)
    before = state()
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = post_answer(learner_client, attempt, {"text": typed}, **extra)
        assert response.status_code == 400, response.status_code
        assert "control character" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("typed", TYPED_ANSWERS.values(), ids=TYPED_ANSWERS.keys())
def test_control_characters_in_a_typed_review_answer_are_a_400(
    learner, learner_client, short_answer_bank, typed
):
    attempt = start(learner, short_answer_bank)
    post_answer(learner_client, attempt, {"text": "steroids"})
    attempts.finish_attempt(attempt)
    card = ReviewCard.objects.get()
    ReviewCard.objects.update(due=card.due - timedelta(days=30))
    before = state(), card.reviews.count()
    response = learner_client.post(
        reverse("quizzes:review-answer", args=[card.pk]), {"round": card.review_count, "text": typed}
    )
    assert response.status_code == 400 and "control character" in response.content.decode()
    assert (state(), card.reviews.count()) == before


def test_a_sequential_attempt_refuses_an_item_not_reached_before_reading_the_form(
    learner, learner_client, exam_quiz
):
    Quiz.objects.filter(pk=exam_quiz.pk).update(sequential=True)
    attempt = attempts.start_attempt(learner, Quiz.objects.get(pk=exam_quiz.pk))
    before = state()
    for data in (
        {"slot": "5"},
        {"slot": "5", "flag": "x"},
        {"slot": "5", "strike": "x"},
        {"slot": "5", "restore": "x"},
    ):
        response = learner_client.post(answer_url(attempt), data)
        assert response.status_code == 400 and "before question 5" in response.content.decode()
    assert state() == before


# -- imports: every bad file is a line-numbered error at preview and at `importbank`, and writes nothing --


def _bank_file(question=None, quiz=None, **changes) -> str:
    from tests.formats.test_bankfile import minimal

    data = minimal(**(question or {})) | {"format": 2} | changes
    data["quizzes"][0].update(quiz or {})
    return json.dumps(data, indent=2)


def _xml_source(source: str) -> str:
    return (
        '<quiz>\n<question type="truefalse">\n<name><text>a</text></name>\n'
        "<questiontext><text>Is IVIG first-line?</text></questiontext>\n"
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>\n'
        f"<tags><tag><text>mmn-source:{source}</text></tag></tags>\n</question>\n</quiz>\n"
    )


MATCHING = {"type": "matching", "options": None, "premises": [{"text": "a", "match": "b", "rationale": "r"}]}
CLOZE = {"type": "cloze", "options": None, "passage": "A [[1]].", "blanks": [{"choices": 3, "correct": "x"}]}
# name: (format, file, what the error says); every error also starts with the line it is on.
BAD_IMPORTS = {
    "gift source of 300": ("gift", f"// source: {'s' * 300}\n::a::Is it? {{T####x}}\n", "at most 200"),
    "gift numeric weight 1.2.3": ("gift", "::a::How many? {#=%1.2.3%5 =%100%6####e}\n", "is not a number"),
    "gift numeric weight .": ("gift", "::a::How many? {#%.%5}\n", "is not a number"),
    "gift control character": ("gift", "::a::Is it\x0b? {T####x}\n", "control character U+000B"),
    "gift NUL in a comment": ("gift", "// source: s\x00\n::a::Is it? {T####x}\n", "control character U+0000"),
    "xml source tag of 300": ("moodlexml", _xml_source("s" * 300), "at most 200"),
    "json key of 150": ("json", _bank_file({"key": "k" * 150}), "at most 100"),
    "json source_section of 300": ("json", _bank_file({"source_section": "s" * 300}), "at most 200"),
    "json quiz title of 300": ("json", _bank_file(quiz={"title": "t" * 300}), "at most 200"),
    "json quiz slug of 150": ("json", _bank_file(quiz={"slug": "q" * 150}), "at most 100"),
    "json nested 100,000 deep": ("json", "[" * 100_000 + "]" * 100_000, "nests"),
    "json format of 5,000 digits": ("json", '{"format": ' + "1" * 5000 + "}", "5,000 digits"),
    "json quiz topics [[jt]]": ("json", _bank_file(quiz={"topics": [["jt"]]}), '"topics" must list'),
    "json quiz questions [[j1]]": (
        "json",
        _bank_file(quiz={"questions": [["q-1"]]}),
        '"questions" must list',
    ),
    "json matching responses 5": ("json", _bank_file(MATCHING | {"responses": 5}), "responses must be"),
    "json matrix columns true": (
        "json",
        _bank_file({"type": "matrix", "options": None, "per_row": "one", "columns": True, "rows": []}),
        "columns must be",
    ),
    "json cloze choices 3": ("json", _bank_file(CLOZE), "choices must be"),
    "json closes in 9999": ("json", _bank_file(quiz={"closes_at": "9999-12-31T23:59:59-14:00"}), "2999"),
    "json opens in year 1": ("json", _bank_file(quiz={"opens_at": "0001-01-01T00:00:00+14:00"}), "1900"),
    "json stem with U+0001": ("json", _bank_file({"stem": "Which\u0001?"}), "control character U+0001"),
    "json option with NUL": (
        "json",
        _bank_file(
            {
                "options": [
                    {"text": "a\u0000", "correct": True, "rationale": "r"},
                    {"text": "b", "correct": False, "rationale": "r"},
                ]
            }
        ),  # fmt: skip
        "control character U+0000",
    ),
    "json topic title with U+000B": (
        "json",
        _bank_file(topics=[{"slug": "t", "title": "Topic\u000bvt"}]),
        "control character U+000B",
    ),
    "json quiz description with NUL": (
        "json",
        _bank_file(quiz={"description": "x\u0000"}),
        "control character U+0000",
    ),
    "json quiz description a list": ("json", _bank_file(quiz={"description": ["x"]}), '"description" must'),
    "json cognitive level in format 2": (
        "json",
        _bank_file({"cognitive_level": "recall"}),
        'need "format": 3',
    ),
    "json clinical judgment unknown": (
        "json",
        _bank_file({"clinical_judgment": "recognise-cues"}, format=3),
        '"clinical_judgment" must be one of',
    ),
    "json dismissal with NUL": (
        "json",
        _bank_file({"dismissed": {"few-options": "why\u0000"}}, format=3),
        "control character U+0000",
    ),
    "json typo tolerance 5": (
        "json",
        _bank_file(
            {
                "type": "shortanswer",
                "options": None,
                "typo_tolerance": 5,
                "answers": [{"text": "IVIG", "variants": [], "correct": True, "feedback": ""}],
            },
            format=3,
        ),  # fmt: skip
        "typo_tolerance must be 0",
    ),
}


def import_rows() -> tuple:
    from quizzes.models import Bank, Question, QuestionVersion, Quiz, Topic

    return tuple(model.objects.count() for model in (Bank, Topic, Question, QuestionVersion, Quiz))


@pytest.mark.parametrize(("fmt", "text", "message"), BAD_IMPORTS.values(), ids=BAD_IMPORTS.keys())
def test_bad_import_files_get_a_line_numbered_error_at_preview_and_write_nothing(
    educator_client, educator_bank, fmt, text, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = import_rows()
    response = educator_client.post(
        reverse("quizzes:bank-import", args=[educator_bank.slug]),
        {"file": SimpleUploadedFile("bad.txt", text.encode()), "format": fmt},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(error.startswith("line ") and message in error for error in errors), errors
    assert "payload" not in response.context
    assert import_rows() == before


@pytest.mark.parametrize(("fmt", "text", "message"), BAD_IMPORTS.values(), ids=BAD_IMPORTS.keys())
def test_bad_import_files_are_refused_by_importbank_and_write_nothing(tmp_path, fmt, text, message):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    before = import_rows()
    with pytest.raises(CommandError) as caught:
        call_command("importbank", str(path), "--format", fmt, "--bank", "bad")
    assert any(
        line.strip().startswith("line ") and message in line for line in str(caught.value).splitlines()
    )
    assert import_rows() == before


# -- sources ------------------------------------------------------------------------------------------------

BAD_SOURCES = {
    "nothing at all": ({"title": "S"}, "Paste the text of the source, or upload a document."),
    "both text and a file": ({"title": "S", "text": "One.", "upload": ("s.txt", b"Two.")}, "not both"),
    "no title": ({"text": "One."}, "This field is required."),
    "huge pasted text": ({"title": "S", "text": HUGE}, "at most 500000 characters"),
    "a program": ({"title": "S", "upload": ("s.exe", b"MZ\x90")}, "must be a .txt, .md, .pdf or .docx"),
    "a fake PDF": ({"title": "S", "upload": ("s.pdf", b"<html>")}, "not a PDF"),
    "a broken PDF": ({"title": "S", "upload": ("s.pdf", b"%PDF-1.7\n1 0 obj <<")}, "damaged"),
    "a fake Word file": ({"title": "S", "upload": ("s.docx", b"PK\x05\x06" + b"\0" * 18)}, "Word document"),
    "Latin-1 text": ({"title": "S", "upload": ("s.txt", b"caf\xe9 au lait.")}, "not UTF-8"),
    "only blank lines": ({"title": "S", "text": "\n\n   \n"}, "Paste the text of the source"),
    "a NUL character": ({"title": "S", "text": "One\x00."}, "Null characters are not allowed."),
    "control characters": ({"title": "S", "text": "\x01\x02\x1b"}, "control character U+0001"),
    "only punctuation": ({"title": "S", "text": "#\n\n##"}, "No passages were found"),
    "too many passages": ({"title": "S", "text": "Fact. " * 401}, "at most 400 passages"),
}


@pytest.mark.parametrize(("data", "message"), BAD_SOURCES.values(), ids=BAD_SOURCES.keys())
def test_bad_sources_get_a_form_error_and_write_nothing(educator_client, educator_bank, data, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from quizzes.models import Passage, Source

    if "upload" in data:
        data = {**data, "upload": SimpleUploadedFile(*data["upload"])}
    response = educator_client.post(reverse("quizzes:source-create", args=[educator_bank.slug]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Source.objects.count() == Passage.objects.count() == 0


BAD_SPLITS = {
    "lists of different lengths": {"op": "save", "section": ["A", "B"], "text": ["One."]},
    "a step that is no number": {"op": "split-x", "section": ["A"], "text": ["One."]},
    "a step past the end": {"op": "merge-7", "section": ["A"], "text": ["One."]},
    "a negative step": {"op": "split--1", "section": ["A"], "text": ["One."]},
    "no title": {"op": "save", "title": " ", "section": ["A"], "text": ["One."]},
    "only empty passages": {"op": "save", "section": ["A"], "text": ["  "]},
    "too many passages": {"op": "save", "section": ["A"] * 401, "text": ["x"] * 401},
}


@pytest.mark.parametrize("data", BAD_SPLITS.values(), ids=BAD_SPLITS.keys())
def test_tampered_splits_get_a_message_and_write_nothing(educator_client, educator_bank, data):
    from quizzes.models import Source

    response = educator_client.post(
        reverse("quizzes:source-create", args=[educator_bank.slug]), {"title": "S", **data}
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert Source.objects.count() == 0


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 40, "%00", "1 OR 1=1"])
def test_a_bad_passage_in_the_editors_url_is_ignored(educator_client, educator_bank, value):
    response = educator_client.get(
        reverse("quizzes:question-create", args=[educator_bank.slug, "single"]), {"passage": value}
    )
    assert response.status_code == 200 and "Writing from this passage" not in response.content.decode()


def test_a_forged_citation_in_the_editor_is_a_form_error(educator_client, educator_bank, other_educator):
    from quizzes.models import Question
    from quizzes.sources.editing import create_source
    from quizzes.sources.text import split
    from tests.conftest import make_owned_bank

    theirs = create_source(make_owned_bank(other_educator, slug="theirs"), "T", split("One."))
    passage = theirs.current_version.passages.get()
    before = Question.objects.count()
    response = educator_client.post(
        reverse("quizzes:question-create", args=[educator_bank.slug, "truefalse"]),
        {
            "stem": "S",
            "explanation": "E",
            "topic": educator_bank.topics.first().pk,
            "difficulty": "easy",
            "cites": [str(passage.pk)],
            "spec-answer": "True",
            "spec-true_rationale": "Y",
            "spec-false_rationale": "N",
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Question.objects.count() == before


# -- issue 19: the exam's start page, leaving it, and accommodations ---------------------------------------

BAD_ACCOMMODATIONS = {
    "huge percent": {"extra_time_percent": "9" * 5000},
    "control characters": {"extra_minutes": "5\x00"},
    "exponent": {"extra_attempts": "1e3"},
    "another learner's id": {"learner": "-1", "extra_minutes": "5"},
    "huge learner id": {"learner": "9" * 5000, "extra_minutes": "5"},
    "close time in year 10000": {"closes_at": "10000-01-01T00:00"},
}


@pytest.mark.parametrize("data", BAD_ACCOMMODATIONS.values(), ids=BAD_ACCOMMODATIONS.keys())
def test_bad_accommodations_get_form_errors_and_change_nothing(client, educator, learner, exam_quiz, data):
    from quizzes.models import Override
    from tests.conftest import make_classroom

    assignment = make_classroom(educator, [learner], [exam_quiz]).assignments.get()
    client.force_login(educator)
    url = reverse("quizzes:assignment-overrides", args=[assignment.pk])
    response = client.post(url, {"learner": str(learner.pk), **data})
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert not Override.objects.exists()
    assert client.post(url, {"remove": HUGE}).status_code == 302  # nothing to remove: back to the page


@pytest.mark.parametrize("pk", ["0", "999999"])
def test_the_start_page_of_no_such_quiz_is_404(learner_client, pk):
    assert learner_client.get(f"/quizzes/{pk}/").status_code == 404


@pytest.mark.parametrize("code", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_leaving_no_such_attempt_is_404(learner_client, code):
    assert learner_client.get(f"/attempts/{code}/leave/").status_code == 404


# -- dismissing an item-writing warning ------------------------------------------------------------------

BAD_DISMISSALS = {
    "no reason": {"check_id": "negative-stem", "reason": "   "},
    "huge reason": {"check_id": "negative-stem", "reason": HUGE},
    "control characters": {"check_id": "negative-stem", "reason": "ok\x00\x1b"},
    "unknown check": {"check_id": "drop-table", "reason": "Because."},
    "huge check": {"check_id": HUGE, "reason": "Because."},
    "no check": {"reason": "Because."},
}


@pytest.mark.parametrize("data", BAD_DISMISSALS.values(), ids=BAD_DISMISSALS.keys())
def test_bad_dismissals_are_form_errors_and_record_nothing(client, educator, data):
    from quizzes.models import WarningDismissal
    from tests.conftest import make_owned_bank

    client.force_login(educator)
    question = make_owned_bank(educator, 3).questions.first()
    response = client.post(reverse("quizzes:question-dismiss", args=[question.pk]), data, follow=True)
    assert response.status_code == 200 and "The warning was not dismissed" in response.content.decode()
    assert not WarningDismissal.objects.exists()


@pytest.mark.parametrize(("fmt", "text", "message"), BAD_IMPORTS.values(), ids=BAD_IMPORTS.keys())
def test_bad_import_files_are_refused_even_when_the_educator_asks_to_leave_out_errors(
    educator_client, educator_bank, fmt, text, message
):
    """Leaving out the questions with errors never lets a bad text through: the bad question is left
    out (and listed) or, with nothing good left, the file is refused; nothing is written at preview."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = import_rows()
    response = educator_client.post(
        reverse("quizzes:bank-import", args=[educator_bank.slug]),
        {"file": SimpleUploadedFile("bad.txt", text.encode()), "format": fmt, "leave_out_errors": "on"},
    )
    assert response.status_code == 200
    if "preview" in response.context:
        left_out = response.context["preview"]["left_out"]
        assert any(error.startswith("line ") and message in error for error in left_out), left_out
    else:
        errors = response.context["form"].errors["file"]
        assert any(error.startswith("line ") and message in error for error in errors), errors
    assert import_rows() == before


@pytest.mark.parametrize("payload", ["", "x", "garbage:signature"])
def test_a_forged_download_of_import_problems_is_refused(educator_client, educator_bank, payload):
    response = educator_client.post(
        reverse("quizzes:bank-import", args=[educator_bank.slug]),
        {"payload": payload, "download": "problems"},
    )
    assert response.status_code == 400


# -- live sessions ----------------------------------------------------------------------------------------


@pytest.fixture
def live_seat(learner, practice_quiz):
    from quizzes.live import sessions

    owner = User.objects.create_user("live-owner")
    session = sessions.start_session(owner, practice_quiz)
    seat = sessions.join(session, learner)
    sessions.move(session, owner, "next")
    return seat


BAD_LIVE_ANSWERS = {
    "forged option id": {"number": "1", "option": "deadbeef"},
    "huge option id": {"number": "1", "option": HUGE},
    "huge number": {"number": "9" * 5000, "option": "x"},
    "negative number": {"number": "-1", "option": "x"},
    "control characters": {"number": "1", "option": "\x1b[31m\x00"},
    "unicode digits": {"number": "١", "option": "x"},
    "no number": {"option": "x"},
}


@pytest.mark.parametrize("data", BAD_LIVE_ANSWERS.values(), ids=BAD_LIVE_ANSWERS.keys())
def test_bad_live_answers_are_refused_and_change_nothing(learner_client, live_seat, data):
    before = state()
    response = learner_client.post(reverse("quizzes:live-answer", args=[live_seat.session.code]), data)
    assert response.status_code == 400
    assert state() == before


BAD_LIVE_CODES = {
    "empty": "",
    "too short": "AB",
    "huge": HUGE[:5000],
    "control characters": "ABC\x00DE",
    "ambiguous letters": "O0I1O0",
    "sql": "' OR 1=1 --",
}


@pytest.mark.parametrize("code", BAD_LIVE_CODES.values(), ids=BAD_LIVE_CODES.keys())
def test_bad_live_join_codes_get_form_errors(client, code):
    before = state()
    response = client.post(reverse("quizzes:live-join"), {"code": code, "nickname": "x"})
    assert response.status_code == 200 and 'class="error"' in response.text
    assert state() == before


def test_a_control_character_in_a_guest_nickname_is_a_form_error(client, practice_quiz):
    from quizzes.live import sessions

    session = sessions.start_session(User.objects.create_user("host"), practice_quiz, allow_guests=True)
    before = state()
    response = client.post(reverse("quizzes:live-join"), {"code": session.join_code, "nickname": "a\x07b"})
    assert response.status_code == 200 and 'class="error"' in response.text
    assert state() == before


@pytest.mark.parametrize("action", ["", "jump", "NEXT", HUGE[:1000], "next\x00"])
def test_unknown_live_moves_are_explained_and_change_nothing(
    educator_client, educator, practice_quiz, action
):
    from quizzes.live import sessions

    session = sessions.start_session(educator, practice_quiz)
    response = educator_client.post(reverse("quizzes:live-move", args=[session.code]), {"action": action})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.phase, session.seq) == ("lobby", 0)


@pytest.mark.parametrize("token", ["x", "a:b:c", HUGE[:3000], "%00"])
def test_forged_live_stream_tokens_are_404(client, token):
    assert client.get(f"/live/stream/{token}/").status_code == 404


def test_the_live_start_form_refuses_bad_countdowns(educator_client, educator_bank):
    quiz = educator_bank.quizzes.first()
    for countdown in ("-5", "1", "100000", "ten"):
        response = educator_client.post(
            reverse("quizzes:live-start"), {"quiz": quiz.pk, "countdown": countdown}
        )
        assert response.status_code == 200 and 'class="error"' in response.text
