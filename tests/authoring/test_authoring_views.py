"""The authoring screens through the test client: banks, topics, the question list and the question editor.

Access for every URL and persona is in test_permissions.py; here the owner works, with and without htmx.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from quizzes.authoring import editing
from quizzes.models import Bank, Question, QuestionVersion, Quiz, Topic
from quizzes.taking import attempts
from tests.conftest import make_bank, make_owned_bank

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, *args) -> str:
    return reverse(f"quizzes:{name}", args=args)


def sata_post(*rows, stem="Which are signs of MMN?", topic=None, **extra) -> dict:
    """The editor's form for a select-all-that-apply question: rows are (text, correct, rationale)."""
    data = {
        "stem": stem,
        "explanation": "MMN weakens muscles without numbness.",
        "source_section": "Signs and symptoms",
        "difficulty": "medium",
        "topic": topic.pk if topic else "",
        "spec-TOTAL_FORMS": str(len(rows)),
        "spec-INITIAL_FORMS": "0",
    }
    for index, (text, correct, rationale) in enumerate(rows):
        data[f"spec-{index}-text"] = text
        data[f"spec-{index}-rationale"] = rationale
        if correct:
            data[f"spec-{index}-correct"] = "on"
    return data | extra


GOOD_ROWS = [
    ("Weakness in the hands", True, "RATIONALE-weakness"),
    ("Muscle cramps", True, "RATIONALE-cramps"),
    ("Loss of feeling", False, "RATIONALE-numbness"),
]


class Dangerous(HTMLParser):
    """Collects what would run in a browser: script elements, event-handler attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "img", "iframe", "object"} and not (tag == "script" and dict(attrs).get("src")):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}=")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"{name}={value}")


def dangerous(html: str) -> list[str]:
    parser = Dangerous()
    parser.feed(html)
    return parser.found


@pytest.fixture
def topic(educator_bank) -> Topic:
    return educator_bank.topics.get(slug="alpha")


@pytest.fixture
def question(educator_bank, topic, educator) -> Question:
    return Question.objects.get(
        pk=editing.create_question(
            educator_bank,
            editing.QuestionDraft(
                item_type="multiple",
                topic=topic,
                difficulty="medium",
                stem="Which are signs of MMN?",
                explanation="EXPLANATION",
                source_section="Signs",
                spec={"options": [{"text": t, "correct": c, "rationale": r} for t, c, r in GOOD_ROWS]},
            ),
            author=educator,
        ).pk
    )


# -- banks and topics -------------------------------------------------------------------------------------


def test_bank_list_shows_the_educators_banks_with_their_counts(educator_client, educator_bank):
    html = educator_client.get(url("bank-list")).content.decode()
    assert "Bank owned" in html and url("bank-detail", "owned") in html
    assert 'data-label="Questions">12</td>' in html and 'data-label="Quizzes">2</td>' in html
    assert url("educator-list") in html


def test_a_new_bank_is_the_educators_and_unpublished(educator_client, educator):
    page = educator_client.get(url("bank-create")).content.decode()
    assert 'name="is_published"' in page and "checked" not in page
    response = educator_client.post(url("bank-create"), {"title": "Pharmacology 1", "description": "Drugs"})
    bank = Bank.objects.get(title="Pharmacology 1")
    assert response.status_code == 302 and response.url == url("bank-detail", "pharmacology-1")
    assert bank.owner == educator and not bank.is_published


def test_a_bank_without_a_title_is_refused_with_the_error_on_the_field(educator_client):
    html = educator_client.post(url("bank-create"), {"title": ""}).content.decode()
    assert 'id="id_title_error"' in html and 'aria-describedby="id_title_error"' in html
    assert 'aria-invalid="true"' in html and not Bank.objects.exists()


def test_editing_a_bank_publishes_it(educator_client, educator_bank):
    educator_bank.is_published = False
    educator_bank.save()
    educator_client.post(url("bank-edit", "owned"), {"title": "Renamed", "is_published": "on"})
    educator_bank.refresh_from_db()
    assert educator_bank.title == "Renamed" and educator_bank.is_published and educator_bank.slug == "owned"


def test_bank_detail_offers_topics_quizzes_and_a_new_question_of_each_type(educator_client, educator_bank):
    html = educator_client.get(url("bank-detail", "owned")).content.decode()
    for item_type in ("single", "multiple", "truefalse"):
        assert url("question-create", "owned", item_type) in html
    assert "Alpha" in html and "Beta" in html and "Practice quiz" in html and "Exam quiz" in html
    assert url("quiz-create", "owned") in html and url("topic-create", "owned") in html


def test_a_bank_without_topics_asks_for_one_first(educator_client, educator):
    bank = editing.create_bank(educator, title="Empty")
    html = educator_client.get(url("bank-detail", bank.slug)).content.decode()
    assert "Add a topic first" in html and url("question-create", bank.slug, "single") not in html


def test_adding_renaming_and_deleting_a_topic(educator_client, educator_bank):
    response = educator_client.post(url("topic-create", "owned"), {"title": "Treatment"})
    assert response.status_code == 302 and response.url == url("bank-detail", "owned")
    topic = educator_bank.topics.get(title="Treatment")
    educator_client.post(url("topic-edit", topic.pk), {"title": "Treatments"})
    topic.refresh_from_db()
    assert topic.title == "Treatments" and topic.slug == "treatment"
    assert "Delete the topic" in educator_client.get(url("topic-delete", topic.pk)).content.decode()
    educator_client.post(url("topic-delete", topic.pk))
    assert not Topic.objects.filter(pk=topic.pk).exists()


def test_a_topic_with_questions_is_not_deleted(educator_client, topic):
    response = educator_client.post(url("topic-delete", topic.pk), follow=True)
    assert "still has questions" in response.content.decode()
    assert Topic.objects.filter(pk=topic.pk).exists()


# -- the question list ------------------------------------------------------------------------------------


def list_html(client, bank="owned", **params) -> str:
    return client.get(url("question-list", bank), params).content.decode()


def test_search_matches_the_current_wording_only(educator_client, question, topic, educator):
    draft = editing.QuestionDraft.from_version(question.current_version, topic)
    editing.edit_question(
        question, editing.QuestionDraft(**(vars(draft) | {"stem": "Which are EARLY signs?"})), author=educator
    )
    assert "Which are EARLY signs?" in list_html(educator_client, q="early")
    assert "1 question<" in list_html(educator_client, q="early")
    assert "0 questions" in list_html(educator_client, q="signs of MMN")


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({}, 13),
        ({"type": "multiple"}, 5),
        ({"type": "truefalse", "difficulty": "medium"}, 4),
        ({"difficulty": "hard"}, 0),
        ({"status": "archived"}, 1),
        ({"status": "active", "type": "multiple"}, 4),
    ],
)
def test_filters_narrow_the_list(educator_client, educator_bank, question, params, count):
    editing.set_status(question, Question.Status.ARCHIVED)
    html = list_html(educator_client, **params)
    assert f'<h2 id="results-heading">{count} question' in html


def test_the_topic_filter_and_bad_filter_values(educator_client, educator_bank, topic):
    assert "6 questions" in list_html(educator_client, topic=topic.pk)  # make_bank's alpha: odd numbers
    for bad in ({"topic": "x"}, {"topic": "999999"}, {"type": "essay"}, {"page": "last"}, {"page": "-3"}):
        response = educator_client.get(url("question-list", "owned"), bad)
        assert response.status_code == 200, bad


def test_the_list_is_paginated_by_25_and_keeps_the_filters(educator_client, educator):
    make_owned_bank(educator, 60, slug="big")
    html = list_html(educator_client, "big", type="single")
    assert html.count('name="questions"') == 20 and "Page 1 of 1" not in html
    html = list_html(educator_client, "big")
    assert html.count('name="questions"') == 25 and "Page 1 of 3" in html
    assert 'href="?page=2"' in html
    html = list_html(educator_client, "big", q="Stem", page=2)
    assert "Page 2 of 3" in html and 'href="?q=Stem&amp;page=3"' in html


def test_htmx_gets_only_the_results(educator_client, educator_bank):
    response = educator_client.get(url("question-list", "owned"), {"q": "Stem of question 1"}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="question-results"') and "<html" not in html
    assert "HX-Request" in response["Vary"]
    assert 'name="query" value="q=Stem+of+question+1"' in html


def test_the_search_form_works_with_and_without_javascript(educator_client, educator_bank):
    html = list_html(educator_client)
    form = re.search(r'<form method="get" action="([^"]+)"[^>]*hx-get="([^"]+)"[^>]*>', html, re.S)
    assert form and form[1] == form[2] == url("question-list", "owned")
    assert 'hx-target="#question-results"' in html and 'id="question-results"' in html


def test_bulk_move_moves_the_ticked_questions_and_returns_to_the_same_list(educator_client, educator_bank):
    beta = educator_bank.topics.get(slug="beta")
    picked = list(educator_bank.questions.filter(topic__slug="alpha")[:3])
    response = educator_client.post(
        url("question-move", "owned"),
        {"questions": [q.pk for q in picked], "topic": beta.pk, "query": "type=single&page=1"},
    )
    assert (
        response.status_code == 302 and response.url == url("question-list", "owned") + "?type=single&page=1"
    )
    assert all(Question.objects.get(pk=q.pk).topic == beta for q in picked)
    page = educator_client.get(response.url).content.decode()
    assert "Moved 3 questions to “Beta”." in page


def test_bulk_move_refuses_questions_and_topics_of_another_bank(educator_client, educator_bank):
    other = make_bank(2, slug="notmine")
    mine = educator_bank.questions.first()
    response = educator_client.post(
        url("question-move", "owned"),
        {"questions": [mine.pk, other.questions.first().pk], "topic": educator_bank.topics.last().pk},
        follow=True,
    )
    assert "Select a valid choice" in response.content.decode()
    response = educator_client.post(
        url("question-move", "owned"), {"questions": [mine.pk], "topic": other.topics.first().pk}, follow=True
    )
    assert "Select a valid choice" in response.content.decode()
    assert Question.objects.get(pk=mine.pk).topic == mine.topic
    assert educator_client.post(url("question-move", "owned"), {}, follow=True).status_code == 200


def test_the_question_list_makes_the_same_queries_for_10_and_200_questions(
    client, educator, django_assert_num_queries
):
    client.force_login(educator)
    for size in (10, 200):
        bank = make_owned_bank(educator, size, slug=f"size{size}")
        for params in ({}, {"q": "Stem", "type": "multiple", "topic": bank.topics.first().pk, "page": "2"}):
            # educator check, bank, topics, count, a page of questions with version and topic;
            # the checks' cache stamp (questions, dismissals, attempts), and when it is cold the checks:
            # current versions, the bank's quizzes, the item analysis's counts, dismissals; and with the
            # cache emptied, the session and the user from the database
            cache.clear()
            with django_assert_num_queries(18):
                assert client.get(url("question-list", bank.slug), params).status_code == 200
            with django_assert_num_queries(8):
                client.get(url("question-list", bank.slug), params, **HTMX)


def test_bank_pages_make_the_same_queries_whatever_the_bank_size(client, educator, django_assert_num_queries):
    client.force_login(educator)
    for size in (10, 200):
        bank = make_owned_bank(educator, size, slug=f"pages{size}")
        # educator check, banks with their question and quiz counts
        with django_assert_num_queries(2):
            client.get(url("bank-list"))
        # educator check, bank, topics with their counts, sources, quizzes, what cannot be
        # exported
        with django_assert_num_queries(6):
            client.get(url("bank-detail", bank.slug))
        question = bank.questions.first()
        # educator check, question with bank, topic and version, its cited passages' ids,
        # topics, the citable passages, in use?, needs review?, the checks: the bank's other current
        # versions (near-duplicates), this version's dismissals
        with django_assert_num_queries(9):
            client.get(url("question-edit", question.pk))


# -- writing a question -----------------------------------------------------------------------------------


def test_the_editor_is_a_plain_form_with_labelled_option_groups_and_a_live_preview(educator_client, topic):
    html = educator_client.get(url("question-create", "owned", "multiple")).content.decode()
    create, preview = (
        url("question-create", "owned", "multiple"),
        url("question-preview", "owned", "multiple"),
    )
    assert f'method="post" action="{create}"' in html and f'hx-post="{preview}"' in html
    assert 'hx-trigger="input delay:400ms"' in html and 'hx-target="#question-preview"' in html
    assert '<section id="question-preview"' in html
    assert "<legend>Options</legend>" in html and "<legend>Option 1</legend>" in html
    assert "<legend>Option 5</legend>" in html and "<legend>Option 6</legend>" not in html
    assert '<label for="id_spec-0-text">' in html and '<label for="id_stem">' in html
    assert 'name="preview"' in html  # the no-JavaScript preview button
    assert "Tick every correct option" in html


def test_saving_a_valid_question_makes_version_1_by_its_author(educator_client, educator, topic):
    response = educator_client.post(
        url("question-create", "owned", "multiple"), sata_post(*GOOD_ROWS, topic=topic)
    )
    question = Question.objects.get(current_version__stem="Which are signs of MMN?")
    assert response.status_code == 302 and response.url == url("question-edit", question.pk)
    version = question.current_version
    assert (version.number, version.item_type, version.created_by, version.max_points) == (
        1,
        "multiple",
        educator,
        2,
    )
    # Stored in the neutral (alphabetical) order, not the order typed: that could point at the key.
    assert [o["text"] for o in version.spec["options"]] == sorted(r[0] for r in GOOD_ROWS)
    assert question.topic == topic and question.bank.slug == "owned"


def test_a_sata_without_a_key_is_refused_with_the_error_beside_the_options(educator_client, topic):
    rows = [(text, False, rationale) for text, _, rationale in GOOD_ROWS]
    response = educator_client.post(
        url("question-create", "owned", "multiple"), sata_post(*rows, topic=topic)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<fieldset class="options-editor" aria-describedby="spec-options_error">' in html
    assert re.search(r'id="spec-options_error"><li>needs at least one correct option</li>', html)
    assert not Question.objects.filter(current_version__stem="Which are signs of MMN?").exists()
    assert 'value="Weakness in the hands"' in html  # what was typed is kept


def test_a_missing_rationale_is_reported_on_that_option_only(educator_client, topic):
    rows = [GOOD_ROWS[0], ("Muscle cramps", True, ""), GOOD_ROWS[2]]
    html = educator_client.post(
        url("question-create", "owned", "multiple"), sata_post(*rows, topic=topic)
    ).content.decode()
    assert 'id="id_spec-1-rationale_error"' in html and "option 2 has no rationale" in html
    assert 'aria-describedby="id_spec-1-rationale_helptext id_spec-1-rationale_error"' in html
    assert "id_spec-0-rationale_error" not in html


def test_missing_shared_fields_are_reported_with_the_options_in_one_go(educator_client, topic):
    data = sata_post(("Only one", False, ""), topic=topic, stem="", explanation="")
    html = educator_client.post(url("question-create", "owned", "multiple"), data).content.decode()
    assert 'id="id_stem_error"' in html and 'id="id_explanation_error"' in html
    assert "option 1 has no rationale" in html


def test_a_true_false_question(educator_client, topic):
    data = {
        "stem": "MMN is an autoimmune disease.",
        "explanation": "The immune system attacks the nerves.",
        "source_section": "Cause",
        "difficulty": "easy",
        "topic": topic.pk,
        "spec-answer": "True",
        "spec-true_rationale": "Yes.",
        "spec-false_rationale": "It is.",
    }
    html = educator_client.get(url("question-create", "owned", "truefalse")).content.decode()
    assert "<legend>The statement is:</legend>" in html
    educator_client.post(url("question-create", "owned", "truefalse"), data)
    version = Question.objects.get(current_version__stem=data["stem"]).current_version
    assert [(o["text"], o["correct"]) for o in version.spec["options"]] == [("True", True), ("False", False)]


# -- the preview ------------------------------------------------------------------------------------------


def test_the_preview_shows_the_item_as_learners_see_it_with_key_and_rationales(educator_client, topic):
    response = educator_client.post(
        url("question-preview", "owned", "multiple"), sata_post(*GOOD_ROWS, topic=topic), **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="question-preview"') and "<html" not in html
    assert "Which are signs of MMN?" in html and "Select all that apply." in html
    assert html.count('type="checkbox" name="option"') == 3
    assert "RATIONALE-weakness" in html and "RATIONALE-numbness" in html and "Correct answer" in html
    assert "MMN weakens muscles without numbness." in html and "Not ready" not in html
    assert not Question.objects.exists() or not Question.objects.filter(
        current_version__stem__contains="signs of"
    )


def test_the_preview_of_a_draft_lists_what_is_missing_and_saves_nothing(educator_client, topic):
    before = QuestionVersion.objects.count()
    html = educator_client.post(
        url("question-preview", "owned", "multiple"), sata_post(("Weakness", False, ""), topic=topic), **HTMX
    ).content.decode()
    assert "Not ready to save yet" in html and "needs 3 to 8 options, has 1" in html
    assert "Weakness" in html
    assert QuestionVersion.objects.count() == before


def test_the_preview_button_without_javascript_shows_the_whole_page_and_saves_nothing(educator_client, topic):
    before = QuestionVersion.objects.count()
    response = educator_client.post(
        url("question-create", "owned", "multiple"), sata_post(*GOOD_ROWS, topic=topic, preview="1")
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert '<section id="question-preview"' in html and "RATIONALE-cramps" in html
    assert QuestionVersion.objects.count() == before
    assert html.count("<legend>Option ") == 5  # the three typed, and two blank rows to grow into


def test_the_preview_makes_a_fixed_number_of_queries(educator_client, topic, django_assert_num_queries):
    # educator check, bank, the bank's citable passages, the chosen topic, the bank's
    # current versions (near-duplicates)
    with django_assert_num_queries(5):
        educator_client.post(
            url("question-preview", "owned", "multiple"), sata_post(*GOOD_ROWS, topic=topic), **HTMX
        )


HOSTILE = {
    "stem": "Pick one <script>alert('stem')</script> **now**",
    "rows": [
        ('<img src=x onerror="alert(1)">', True, "[click](javascript:alert(1))"),
        ("<a href='javascript:alert(2)'>link</a>", False, '<iframe src="https://evil.example"></iframe>'),
        ("Plain", False, "<b onmouseover=alert(3)>bold</b>"),
    ],
    "explanation": "<svg onload=alert(4)></svg> [x](JaVaScRiPt:alert(5))",
}


def test_hostile_markdown_is_inert_in_the_preview(educator_client, topic):
    data = sata_post(*HOSTILE["rows"], stem=HOSTILE["stem"], topic=topic, explanation=HOSTILE["explanation"])
    html = educator_client.post(url("question-preview", "owned", "multiple"), data, **HTMX).content.decode()
    assert dangerous(html) == []
    assert "&lt;script&gt;alert('stem')&lt;/script&gt;" in html and "<strong>now</strong>" in html


def test_hostile_markdown_is_inert_on_the_learners_pages(educator_client, learner, topic):
    learner_client = Client()
    learner_client.force_login(learner)
    data = sata_post(*HOSTILE["rows"], stem=HOSTILE["stem"], topic=topic, explanation=HOSTILE["explanation"])
    educator_client.post(url("question-create", "owned", "multiple"), data)
    question = Question.objects.get(current_version__stem=HOSTILE["stem"])
    quiz = editing.save_quiz(
        Quiz(
            bank=question.bank,
            title="Hostile",
            selection=Quiz.Selection.FIXED,
            audience=Quiz.Audience.EVERYONE,
        ),
        topics=[],
        questions=[question],
    )
    attempt = attempts.start_attempt(learner, quiz)
    item_page = learner_client.get(url("attempt-item", attempt.code, 1)).content.decode()
    feedback = learner_client.post(
        url("attempt-answer", attempt.code),
        {"slot": 1, "option": [question.current_version.spec["options"][0]["id"]]},
        **HTMX,
    ).content.decode()
    for html in (item_page, feedback):
        assert "alert" in html  # the text is there, shown as text
        assert dangerous(html) == []


# -- editing, versions, archive, delete -------------------------------------------------------------------


def edit_post(question, **changes) -> dict:
    version = question.current_version
    rows = [(o["text"], o["correct"], o["rationale"]) for o in version.spec["options"]]
    data = sata_post(*rows, stem=version.stem, topic=question.topic, explanation=version.explanation)
    data |= {"source_section": version.source_section, "base_version": version.number}
    return data | changes


def test_the_edit_page_starts_from_the_current_version(educator_client, question):
    html = educator_client.get(url("question-edit", question.pk)).content.decode()
    assert 'value="Weakness in the hands"' in html and "RATIONALE-cramps" in html
    assert 'name="base_version" value="1"' in html and "version 1" in html
    assert html.count("<legend>Option ") == 5  # three options and two blank rows
    assert "RATIONALE-weakness" in html.split('id="question-preview"')[1]  # previewed as saved


def test_an_edit_saves_a_new_version_and_keeps_the_old_one(educator_client, question):
    response = educator_client.post(
        url("question-edit", question.pk), edit_post(question, stem="Which are EARLY signs?")
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.current_version.number == 2 and question.current_version.stem == "Which are EARLY signs?"
    assert question.versions.get(number=1).stem == "Which are signs of MMN?"
    assert "Saved as version 2." in educator_client.get(response.url).content.decode()


def test_saving_without_changes_makes_no_version(educator_client, question):
    response = educator_client.post(url("question-edit", question.pk), edit_post(question), follow=True)
    assert "no new version was needed" in response.content.decode()
    assert question.versions.count() == 1


def test_an_edit_over_a_colleagues_newer_version_is_stopped_then_allowed(educator_client, question, educator):
    stale = edit_post(question, stem="My wording?")
    editing.edit_question(
        question,
        editing.QuestionDraft(
            **(
                vars(editing.QuestionDraft.from_version(question.current_version, question.topic))
                | {"stem": "Theirs?"}
            )
        ),
        author=educator,
    )
    response = educator_client.post(url("question-edit", question.pk), stale)
    html = response.content.decode()
    assert response.status_code == 200 and "Version 2 was saved while you were editing" in html
    assert 'name="base_version" value="2"' in html and "My wording?" in html
    assert Question.objects.get(pk=question.pk).current_version.stem == "Theirs?"
    educator_client.post(url("question-edit", question.pk), stale | {"base_version": "2"})
    assert Question.objects.get(pk=question.pk).current_version.stem == "My wording?"


def test_history_lists_every_version_and_restores_an_old_one(educator_client, question, educator):
    educator_client.post(url("question-edit", question.pk), edit_post(question, stem="Second?"))
    html = educator_client.get(url("question-history", question.pk)).content.decode()
    assert "Version 2" in html and "Version 1" in html and "by florence" in html
    assert url("question-restore", question.pk, 1) in html
    assert url("question-restore", question.pk, 2) not in html  # the current one
    response = educator_client.post(url("question-restore", question.pk, 1), follow=True)
    assert "Restored version 1 as version 3." in response.content.decode()
    question.refresh_from_db()
    assert question.current_version.number == 3 and question.current_version.stem == "Which are signs of MMN?"
    assert educator_client.post(url("question-restore", question.pk, 9)).status_code == 404


def test_archive_and_make_active_again(educator_client, question):
    educator_client.post(url("question-archive", question.pk))
    assert Question.objects.get(pk=question.pk).status == "archived"
    html = educator_client.get(url("question-edit", question.pk)).content.decode()
    assert url("question-unarchive", question.pk) in html
    educator_client.post(url("question-unarchive", question.pk))
    assert Question.objects.get(pk=question.pk).status == "active"


def test_an_unseen_question_is_deleted_after_confirmation(educator_client, question):
    html = educator_client.get(url("question-edit", question.pk)).content.decode()
    assert url("question-delete", question.pk) in html
    html = educator_client.get(url("question-delete", question.pk)).content.decode()
    assert "Delete this question?" in html and 'method="post"' in html
    assert Question.objects.filter(pk=question.pk).exists()  # a GET deletes nothing
    response = educator_client.post(url("question-delete", question.pk))
    assert (
        response.url == url("question-list", "owned") and not Question.objects.filter(pk=question.pk).exists()
    )


def test_a_question_learners_have_answered_can_only_be_archived(educator_client, learner, question):
    quiz = editing.save_quiz(
        Quiz(bank=question.bank, title="One", selection=Quiz.Selection.FIXED), topics=[], questions=[question]
    )
    attempt = attempts.start_attempt(learner, quiz)
    slot = attempt.slots.select_related("version").get()
    version = slot.version
    attempts.record_answer(
        attempt, slot.number, version.item.answer_form(version.spec, version.item.key_answer(version.spec))
    )
    html = educator_client.get(url("question-edit", question.pk)).content.decode()
    assert url("question-delete", question.pk) not in html and "cannot be deleted" in html
    html = educator_client.get(url("question-delete", question.pk)).content.decode()
    assert "This question cannot be deleted" in html and url("question-archive", question.pk) in html
    response = educator_client.post(url("question-delete", question.pk), follow=True)
    assert "can only be archived" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()
