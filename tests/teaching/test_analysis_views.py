"""The item analysis pages through the test client: a quiz's and a bank's, their filters, flags and access."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_classroom, make_owned_bank, make_scored_attempt, make_user
from tests.taking.test_taking_views import HTMX, queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(educator_bank):
    return educator_bank.quizzes.get(slug="practice")


@pytest.fixture
def answered(quiz, learner, other_learner):
    """Four first attempts at the first three questions: question 3 (single answer) everybody gets right,
    the other two go with the rest of the quiz."""
    learners = [learner, other_learner, make_user("ida"), make_user("mo")]
    marks = [[2, 1, 1], [1, 1, 1], [1, 0, 1], [0, 0, 1]]
    third = quiz.bank.questions.order_by("pk")[2].current_version
    key = [o["id"] for o in third.spec["options"] if o["correct"]]
    return [
        make_scored_attempt(u, quiz, m, answers=[[], [], key]) for u, m in zip(learners, marks, strict=True)
    ]


def analysis_url(quiz):
    return reverse("quizzes:quiz-analysis", args=[quiz.pk])


def test_the_quiz_analysis_shows_the_whole_quiz_and_every_item(educator_client, quiz, answered):
    page = educator_client.get(analysis_url(quiz)).content.decode()
    assert "4 attempts analyzed" in page
    assert "Coefficient of internal consistency (Cronbach" in page and "Error ratio" in page
    assert "Standard error" in page
    for heading in (
        "Facility index",
        "Standard deviation",
        "Discrimination index",
        "Discriminative efficiency",
    ):
        assert heading in page
    assert page.count('class="card item-stats') == 3
    assert "Stem of question 1?" in page and '<use href="#i-check"/></svg> Key' in page


def test_too_easy_items_are_flagged_with_a_link_to_edit_them(educator_client, quiz, answered, educator_bank):
    page = educator_client.get(analysis_url(quiz)).content.decode()
    third = educator_bank.questions.order_by("pk")[2]
    assert "1 item flagged" in page
    assert "Too easy (facility above 90%)" in page
    # all four chose the key: the count, its share, and a full bar
    assert '<td class="chosen-cell"><span>4 <span class="meta">(100.0%)</span></span>' in page
    assert '<rect class="count-bars__key" width="100"' in page
    flagged = page[page.index("item-stats--flagged") :]
    assert reverse("quizzes:question-edit", args=[third.pk]) in flagged[: flagged.index("</li>")]


def test_the_filters_swap_in_the_results_for_htmx(educator_client, quiz, answered):
    response = educator_client.get(analysis_url(quiz), {"attempts": "all"}, **HTMX)
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section id="analysis-results"')
    assert "<html" not in fragment and "4 attempts analyzed" in fragment
    assert "HX-Request" in response["Vary"]


def test_first_attempts_by_default_every_attempt_on_request(educator_client, quiz, answered, learner):
    make_scored_attempt(learner, quiz, [2, 1, 1])
    assert "4 attempts analyzed" in educator_client.get(analysis_url(quiz)).content.decode()
    page = educator_client.get(analysis_url(quiz), {"attempts": "all"}).content.decode()
    assert "5 attempts analyzed" in page


def test_a_class_and_dates_narrow_the_attempts(educator_client, educator, quiz, answered, learner):
    classroom = make_classroom(educator, [learner])
    page = educator_client.get(analysis_url(quiz), {"classroom": classroom.pk}).content.decode()
    assert "1 attempt analyzed" in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = educator_client.get(analysis_url(quiz), {"since": tomorrow}).content.decode()
    assert "0 attempts analyzed" in page and "No finished attempts match" in page
    today = timezone.localdate().isoformat()
    assert "4 attempts analyzed" in educator_client.get(analysis_url(quiz), {"until": today}).content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2030-02-01", "until": "2030-01-01"}, "must be on or before"),
        ({"since": "yesterday"}, "Enter a valid date."),
        ({"attempts": "best"}, "Select a valid choice."),
        ({"until": "9999-12-31"}, "attempts analyzed"),  # the last day there is: no overflow
    ],
)
def test_bad_filters_get_a_message_not_an_error(educator_client, quiz, answered, query, message):
    response = educator_client.get(analysis_url(quiz), query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_another_educators_class_cannot_be_used_as_a_filter(educator_client, other_educator, quiz, answered):
    foreign = make_classroom(other_educator, name="Foreign")
    response = educator_client.get(analysis_url(quiz), {"classroom": foreign.pk})
    page = response.content.decode()
    assert "Select a valid choice." in page and "Foreign" not in page
    assert "attempts analyzed" not in page


def test_the_bank_analysis_covers_every_quiz_of_the_bank(
    educator_client, educator_bank, quiz, answered, learner
):
    exam = educator_bank.quizzes.get(slug="exam")
    make_scored_attempt(learner, exam, [2, 1, 1])
    page = educator_client.get(reverse("quizzes:bank-analysis", args=[educator_bank.slug])).content.decode()
    assert "5 attempts analyzed" in page
    assert "Cronbach" not in page  # whole-quiz figures belong to each quiz's own page
    assert analysis_url(quiz) in page and analysis_url(exam) in page


def test_learners_get_403_and_other_educators_404(client, learner, other_educator, quiz, educator_bank):
    bank_url = reverse("quizzes:bank-analysis", args=[educator_bank.slug])
    client.force_login(learner)
    assert client.get(analysis_url(quiz)).status_code == 403
    assert client.get(bank_url).status_code == 403
    client.force_login(other_educator)
    assert client.get(analysis_url(quiz)).status_code == 404
    assert client.get(bank_url).status_code == 404
    assert client.post(analysis_url(quiz)).status_code == 405


def test_the_analysis_pages_link_from_the_bank(educator_client, educator_bank, quiz):
    page = educator_client.get(reverse("quizzes:bank-detail", args=[educator_bank.slug])).content.decode()
    assert analysis_url(quiz) in page
    assert reverse("quizzes:bank-analysis", args=[educator_bank.slug]) in page


def test_the_analysis_makes_the_same_queries_for_few_and_many_attempts(client, educator):
    client.force_login(educator)
    counts = {}
    for size in (2, 40):
        bank = make_owned_bank(educator, 12, slug=f"size{size}")
        quiz = bank.quizzes.get(slug="practice")
        for n in range(size):
            make_scored_attempt(make_user(f"u{size}-{n}"), quiz, [n % 3, 1, 0, 1, n % 2])
        # groups, quiz + bank, classes for the filter; the analysis: attempts, marks and
        # answers per item, versions, marks per position, answers changed, answers "sure". The bank page:
        # the bank and its quizzes.
        counts[size] = (
            queries(client, "get", analysis_url(quiz)),
            queries(client, "get", reverse("quizzes:bank-analysis", args=[bank.slug])),
        )
    assert counts[2] == counts[40]
    assert counts[2] == (9, 10)


def test_each_item_shows_its_changed_answers_and_wrong_but_sure_ones(educator_client, educator_bank, learner):
    from quizzes.items.base import form_data
    from quizzes.taking import attempts

    exam = educator_bank.quizzes.get(slug="exam")
    attempt = attempts.start_attempt(learner, exam)
    version = attempt.slots.get(number=1).version
    key = [o["id"] for o in version.spec["options"] if o["correct"]]
    wrong = [next(o["id"] for o in version.spec["options"] if not o["correct"])]
    attempts.record_answer(attempt, 1, form_data({"option": key}))
    attempts.record_answer(attempt, 1, form_data({"option": wrong, "confidence": "sure"}))
    attempts.finish_attempt(attempt)
    page = educator_client.get(analysis_url(exam)).content.decode()
    item = next(part for part in page.split('<li class="card item-stats') if version.stem in part)
    assert "<dt>Answers changed before submitting</dt><dd>1 " in item
    assert "(0 wrong to right, 1 right to wrong)" in item
    assert "<dt>Wrong but sure</dt><dd>1 of 1 answer given as sure</dd>" in item


def test_the_analysis_breaks_facility_down_by_clinical_judgment_step_and_level(
    educator_client, quiz, answered
):
    from quizzes.models import QuestionVersion

    third = quiz.bank.questions.order_by("pk")[2].current_version
    QuestionVersion.objects.filter(pk=third.pk).update(
        clinical_judgment="take-action", cognitive_level="recall"
    )
    page = educator_client.get(analysis_url(quiz)).content.decode()
    assert "By clinical judgment step and cognitive level" in page
    # question 3, right in all four attempts; the other two are not tagged
    assert (
        '<tr><th scope="row">Take action</th>'
        '<td data-label="Items">1</td><td data-label="Answers">4</td>'
        '<td data-label="Facility">100.0%</td></tr>'
    ) in page
    assert (
        '<tr><th scope="row">Recall</th>'
        '<td data-label="Items">1</td><td data-label="Answers">4</td>'
        '<td data-label="Facility">100.0%</td></tr>'
    ) in page
    assert (
        '<tr><th scope="row">Not tagged</th><td data-label="Items">2</td><td data-label="Answers">8</td>'
    ) in page
