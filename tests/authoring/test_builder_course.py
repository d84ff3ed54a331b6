"""The quiz builder (issue 19): a random draw no larger than the topics hold, and a preview as a learner
would take it, which records nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt, Quiz, Response
from tests.authoring.test_authoring_quizzes import new_quiz, quiz_post
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def create(client, bank, **changes):
    return client.post(reverse("quizzes:quiz-create", args=[bank.slug]), quiz_post(**changes))


def test_a_random_draw_larger_than_the_topics_hold_is_refused(educator_client, educator_bank):
    alpha = educator_bank.topics.get(slug="alpha")  # 6 of the 12 questions
    response = create(educator_client, educator_bank, topics=[alpha.pk], question_count="7")
    assert response.status_code == 200
    assert "The topics ticked hold 6 active questions: draw at most 6, or tick more topics." in (
        response.content.decode()
    )
    assert not educator_bank.quizzes.filter(title="Week 1 check").exists()
    assert create(educator_client, educator_bank, topics=[alpha.pk], question_count="6").status_code == 302


def test_with_no_topic_ticked_the_whole_bank_is_the_limit(educator_client, educator_bank):
    response = create(educator_client, educator_bank, question_count="13")
    assert "The bank holds 12 active questions: draw at most 12" in response.content.decode()
    assert create(educator_client, educator_bank, question_count="12").status_code == 302


def test_archived_questions_do_not_count_towards_the_draw(educator_client, educator_bank):
    from quizzes.authoring import editing
    from quizzes.models import Question

    alpha = educator_bank.topics.get(slug="alpha")
    editing.set_status(alpha.questions.first(), Question.Status.ARCHIVED)
    response = create(educator_client, educator_bank, topics=[alpha.pk], question_count="6")
    assert "hold 5 active questions" in response.content.decode()


def preview(client, quiz, **query):
    return client.get(reverse("quizzes:quiz-preview", args=[quiz.pk]), query)


def test_the_preview_shows_a_question_as_a_learner_sees_it_and_records_nothing(
    educator_client, educator_bank
):
    quiz = educator_bank.quizzes.get(slug="practice")
    page = preview(educator_client, quiz).content.decode()
    assert "Question 1 of 10" in page and "Nothing is recorded" in page
    assert "RATIONALE" not in page and "EXPLANATION" not in page  # no key before an answer
    assert not Attempt.objects.exists()


def test_the_seed_keeps_the_draw_and_checking_shows_the_feedback(educator_client, educator_bank):
    quiz = educator_bank.quizzes.get(slug="practice")

    def shown(page: str) -> str:  # the stem and the options, in their order
        return page[page.index('<legend class="stem">') : page.index("Check answer</button></div>")]

    first = preview(educator_client, quiz, seed="42", n="3").content.decode()
    assert "Question 3 of 10" in first
    assert shown(first) == shown(preview(educator_client, quiz, seed="42", n="3").content.decode())
    checked = preview(educator_client, quiz, seed="42", n="3", check="1").content.decode()
    assert "Question 3 of 10" in checked
    assert "verdict" in checked or 'role="alert"' in checked  # feedback, or what is missing
    assert not Attempt.objects.exists() and not Response.objects.exists()


def test_a_checked_right_answer_is_correct(educator_client, educator_bank):
    quiz = new_quiz(educator_bank, title="One", selection=Quiz.Selection.FIXED, shuffle_options=False)
    question = educator_bank.questions.order_by("pk").first()  # q-1: a single-answer item
    quiz.questions.set([question])
    quiz.question_count = 1
    quiz.save()
    key = [o["id"] for o in question.current_version.spec["options"] if o["correct"]]
    page = preview(educator_client, quiz, seed="1", n="1", check="1", option=key).content.decode()
    assert "<strong>Correct</strong>" in page and "EXPLANATION-1" in page


@pytest.mark.parametrize(
    "query",
    [{"seed": "-1"}, {"seed": "9" * 40}, {"n": "0"}, {"n": "99999"}, {"n": "x"}, {"seed": "١"}],
)
def test_odd_seeds_and_numbers_fall_back(educator_client, educator_bank, query):
    quiz = educator_bank.quizzes.get(slug="practice")
    response = preview(educator_client, quiz, **query)
    assert response.status_code == 200 and "Question " in response.content.decode()


def test_a_forged_answer_in_the_preview_is_a_message_not_a_crash(educator_client, educator_bank):
    quiz = educator_bank.quizzes.get(slug="practice")
    response = preview(educator_client, quiz, seed="5", n="1", check="1", option="\x00forged")
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


def test_a_quiz_with_no_questions_says_so(educator_client, educator_bank):
    quiz = new_quiz(educator_bank, title="Empty", selection=Quiz.Selection.FIXED)
    page = preview(educator_client, quiz).content.decode()
    assert "has no questions yet" in page


def test_only_the_quizzes_author_previews_it(educator_bank, learner):
    quiz = educator_bank.quizzes.get(slug="practice")
    client = Client()
    client.force_login(make_user("someone-else", "Educator"))
    assert preview(client, quiz).status_code == 404
    client.force_login(learner)
    assert preview(client, quiz).status_code == 403


def test_the_builder_and_the_bank_link_to_the_preview(educator_client, educator_bank):
    quiz = educator_bank.quizzes.get(slug="practice")
    url = reverse("quizzes:quiz-preview", args=[quiz.pk])
    assert url in educator_client.get(reverse("quizzes:quiz-edit", args=[quiz.pk])).content.decode()
    assert (
        url in educator_client.get(reverse("quizzes:bank-detail", args=[educator_bank.slug])).content.decode()
    )
