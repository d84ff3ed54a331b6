"""The exam room: navigator, flag for review, strike-out, confidence, changed answers, time per item,
sequential quizzes and the review before submitting. Domain rules first, then the screens."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.items import InvalidAnswer
from quizzes.items.base import form_data
from quizzes.learning import review_queue
from quizzes.models import Attempt, Quiz, Response, ResponseChange, ReviewCard, Slot
from quizzes.taking import attempts, grading, timing
from tests.conftest import make_bank
from tests.taking.test_taking_views import (
    HTMX,
    KEY_MARKERS,
    answer_url,
    item_url,
    key_ids,
    queries,
    slot,
    wrong_ids,
)

pytestmark = pytest.mark.django_db


ICONS = ("circle", "check", "flag")  # the navigator's: not answered, answered, flagged


def answer_form(option_ids, confidence: str = "", **fields) -> dict:
    return {"option": option_ids, **({"confidence": confidence} if confidence else {}), **fields}


def mark(client, attempt, number, data: dict, **extra):
    """Flag or strike as the answer form's buttons do: the form and the pressed button, to the answer URL."""
    return client.post(answer_url(attempt), {"slot": number, **data}, **extra)


def record(attempt, number, option_ids, confidence: str = "", **kwargs):
    return attempts.record_answer(attempt, number, form_data(answer_form(option_ids, confidence)), **kwargs)


@pytest.fixture
def sequential(learner, exam_quiz) -> Attempt:
    Quiz.objects.filter(pk=exam_quiz.pk).update(sequential=True)
    exam_quiz.refresh_from_db()
    return attempts.start_attempt(learner, exam_quiz)


def choice_slot(attempt) -> Slot:
    """A slot with at least three options (single or select-all), so one can be struck and another chosen."""
    return next(s for s in attempt.slots.select_related("version") if len(s.version.spec["options"]) > 2)


# -- changing an answer -----------------------------------------------------------------------------------


def test_changing_an_exam_answer_many_times_keeps_one_response_and_scores_the_last(exam):
    start = timezone.now()
    for step, ids in enumerate([key_ids(exam, 1), wrong_ids(exam, 1)] * 3 + [key_ids(exam, 1)]):
        record(exam, 1, ids, now=start + timedelta(seconds=step))
    assert Response.objects.filter(slot__attempt=exam).count() == 1
    history = list(ResponseChange.objects.filter(slot__attempt=exam).order_by("replaced_at"))
    assert len(history) == 6  # every answer replaced, oldest first, with when it was given and replaced
    assert [c.answered_at for c in history] == [start + timedelta(seconds=s) for s in range(6)]
    assert [c.replaced_at for c in history] == [start + timedelta(seconds=s) for s in range(1, 7)]
    attempts.finish_attempt(exam)
    assert exam.points == exam.slots.get(number=1).version.max_points  # the last answer, right


def test_the_score_uses_the_last_answer_when_it_is_wrong(exam):
    record(exam, 1, key_ids(exam, 1))
    record(exam, 1, wrong_ids(exam, 1))
    assert attempts.finish_attempt(exam).points == 0


def test_a_repeated_answer_is_not_a_change(exam):
    record(exam, 1, key_ids(exam, 1), "sure")
    record(exam, 1, key_ids(exam, 1), "sure")
    assert not ResponseChange.objects.exists()


def test_a_change_of_confidence_alone_is_kept_but_is_not_an_answer_change(exam):
    record(exam, 1, wrong_ids(exam, 1), "unsure")
    record(exam, 1, wrong_ids(exam, 1), "sure")
    assert Response.objects.get(slot__attempt=exam).confidence == "sure"
    attempts.finish_attempt(exam)
    item = next(i for i in attempts.results(exam).items if i.slot.number == 1)
    assert len(item.replaced) == 1 and item.answer_changes == 0
    assert [confidence for _, _, confidence in item.history] == ["Unsure", "Sure"]


def test_practice_keeps_its_first_answer_and_no_history(practice):
    record(practice, 1, wrong_ids(practice, 1), "sure")
    record(practice, 1, key_ids(practice, 1), "unsure")
    response = Response.objects.get(slot__attempt=practice)
    assert (response.points, response.confidence) == (0, "sure")
    assert not ResponseChange.objects.exists()


def test_an_unknown_confidence_is_refused_and_nothing_is_saved(exam):
    with pytest.raises(InvalidAnswer):
        record(exam, 1, key_ids(exam, 1), "certain")
    assert not Response.objects.exists()


# -- time per item ----------------------------------------------------------------------------------------


def test_a_stamp_gives_the_seconds_since_the_item_was_shown():
    shown = timezone.now()
    stamp = timing.shown_stamp(7, 3, shown)
    assert timing.seconds_since(stamp, 7, 3, shown + timedelta(seconds=42, milliseconds=600)) == 42
    assert timing.seconds_since(stamp, 7, 3, shown + timedelta(hours=2)) == 15 * 60  # at most 15 minutes
    assert timing.seconds_since(stamp, 7, 3, shown - timedelta(seconds=5)) == 0  # not in the future


@pytest.mark.parametrize("stamp", ["", "garbage", "7:3:1700000000000:forged"])
def test_a_missing_or_forged_stamp_counts_nothing(stamp):
    assert timing.seconds_since(stamp, 7, 3, timezone.now()) == 0


def test_another_items_stamp_counts_nothing():
    now = timezone.now()
    assert timing.seconds_since(timing.shown_stamp(7, 4, now), 7, 3, now + timedelta(seconds=9)) == 0
    assert timing.seconds_since(timing.shown_stamp(8, 3, now), 7, 3, now + timedelta(seconds=9)) == 0


def test_time_adds_up_over_the_answers_saved(exam):
    record(exam, 1, key_ids(exam, 1), seconds=30)
    record(exam, 1, wrong_ids(exam, 1), seconds=12)
    record(exam, 1, wrong_ids(exam, 1), seconds=50)  # unchanged: nothing saved, no time added
    assert Response.objects.get(slot__attempt=exam).seconds_spent == 42


def test_the_answer_view_records_the_time_since_the_item_was_shown(learner_client, exam):
    shown = timezone.now() - timedelta(seconds=25)
    stamp = timing.shown_stamp(exam.pk, 1, shown)
    learner_client.post(answer_url(exam), {"slot": 1, "option": key_ids(exam, 1), "shown": stamp})
    assert 25 <= Response.objects.get(slot__attempt=exam).seconds_spent <= 27


# -- sequential quizzes -----------------------------------------------------------------------------------


def test_sequence_rules():
    exam = Attempt(sequential=True, mode=Quiz.Mode.EXAM)
    practice = Attempt(sequential=True, mode=Quiz.Mode.PRACTICE)
    attempts.check_sequence(exam, 3, answered=2)
    attempts.check_sequence(practice, 2, answered=2)  # its feedback, just answered
    with pytest.raises(attempts.OutOfSequence, match="question 2 is behind you"):
        attempts.check_sequence(exam, 2, answered=2)
    with pytest.raises(attempts.OutOfSequence, match="answer question 3 before question 5"):
        attempts.check_sequence(exam, 5, answered=2)
    attempts.check_sequence(Attempt(sequential=False, mode=Quiz.Mode.EXAM), 5, answered=0)


def test_a_sequential_attempt_copies_the_setting_and_takes_answers_in_order(sequential):
    assert sequential.sequential
    with pytest.raises(attempts.OutOfSequence):
        record(sequential, 2, key_ids(sequential, 2))
    record(sequential, 1, key_ids(sequential, 1))
    record(sequential, 1, key_ids(sequential, 1))  # a retried POST of the same answer is acknowledged
    with pytest.raises(attempts.OutOfSequence):
        record(sequential, 1, wrong_ids(sequential, 1))  # but never a change
    record(sequential, 2, key_ids(sequential, 2))
    assert Response.objects.filter(slot__attempt=sequential).count() == 2
    assert not ResponseChange.objects.exists()


def test_a_sequential_quiz_refuses_an_earlier_item_with_a_clear_400(learner_client, sequential):
    learner_client.post(answer_url(sequential), {"slot": 1, "option": key_ids(sequential, 1)})
    for extra in ({}, HTMX):
        response = learner_client.get(item_url(sequential, 1), **extra)
        assert response.status_code == 400
        assert "question 1 is behind you and cannot be opened again" in response.content.decode()
    later = learner_client.get(item_url(sequential, 4))
    assert later.status_code == 400 and "answer question 2 before question 4" in later.content.decode()
    change = learner_client.post(answer_url(sequential), {"slot": 1, "option": wrong_ids(sequential, 1)})
    assert change.status_code == 400
    flag = mark(learner_client, sequential, 1, {"flag": "on"})
    assert flag.status_code == 400 and not Slot.objects.filter(flagged=True).exists()


@pytest.mark.parametrize(
    "data",
    [
        {},  # the answer's form error ("Choose an answer") would show the item
        {"option": "forged"},
        {"flag": "maybe"},
        {"flag": "on"},
        {"strike": "forged"},
        {"restore": "forged"},
    ],
    ids=["nothing", "forged option", "bad flag", "flag", "strike", "restore"],
)
def test_a_sequential_quiz_shows_nothing_of_an_item_not_reached(learner_client, sequential, data):
    """The sequence is checked before the form is read, so no error or mark can render a later item."""
    stem = slot(sequential, 5).version.stem
    for extra in ({}, HTMX):
        response = mark(learner_client, sequential, 5, data, **extra)
        html = response.content.decode()
        assert response.status_code == 400 and "answer question 1 before question 5" in html
        assert stem not in html
    assert not Response.objects.exists() and not Slot.objects.filter(flagged=True).exists()


def test_a_sequential_exam_has_no_navigator_nor_going_back(learner_client, sequential):
    learner_client.post(answer_url(sequential), {"slot": 1, "option": key_ids(sequential, 1)})
    page = learner_client.get(item_url(sequential, 2)).content.decode()
    assert 'id="navigator"' not in page
    assert "Previous question" not in page and "Skip to next question" not in page
    finish = learner_client.get(reverse("quizzes:attempt-finish", args=[sequential.code])).content.decode()
    assert 'id="navigator"' not in finish
    assert item_url(sequential, 2) in finish and item_url(sequential, 3) not in finish  # only the one reached


def test_the_quiz_builder_saves_the_sequential_setting(educator_client, educator_bank):
    quiz = educator_bank.quizzes.get(slug="exam")
    url = reverse("quizzes:quiz-edit", args=[quiz.pk])
    page = educator_client.get(url).content.decode()
    assert "Sequential: no going back" in page
    form = educator_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        topics=[t.pk for t in quiz.topics.all()],
        questions=[],
        sequential="on",
        shuffle_questions="on",
        shuffle_options="on",
        is_published="on",
        opens_at="",
        closes_at="",
    )
    response = educator_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    quiz.refresh_from_db()
    assert quiz.sequential


# -- flag and strike-out ----------------------------------------------------------------------------------


def test_a_flag_is_set_and_cleared(exam):
    attempts.set_flag(exam, 2, True)
    assert exam.slots.get(number=2).flagged
    attempts.set_flag(exam, 2, False)
    assert not exam.slots.get(number=2).flagged


def test_nothing_is_marked_once_the_attempt_is_finished(exam):
    attempts.finish_attempt(exam)
    option = slot(exam, 1).version.spec["options"][0]["id"]
    with pytest.raises(attempts.AttemptClosed):
        attempts.set_flag(exam, 1, True)
    with pytest.raises(attempts.AttemptClosed):
        attempts.strike_option(exam, 1, option, True)


def test_struck_options_are_kept_and_can_be_put_back(exam):
    item = choice_slot(exam)
    first, second = (o["id"] for o in item.version.spec["options"][:2])
    attempts.strike_option(exam, item.number, first, True)
    attempts.strike_option(exam, item.number, second, True)
    attempts.strike_option(exam, item.number, first, True)  # twice is once
    assert Slot.objects.get(pk=item.pk).struck == [second, first]
    attempts.strike_option(exam, item.number, first, False)
    assert Slot.objects.get(pk=item.pk).struck == [second]


def test_a_struck_option_can_still_be_chosen(exam):
    item = choice_slot(exam)
    key = key_ids(exam, item.number)
    attempts.strike_option(exam, item.number, key[0], True)
    record(exam, item.number, key)
    assert Response.objects.get(slot=item).points == Response.objects.get(slot=item).max_points


def test_an_option_of_another_question_cannot_be_struck(exam):
    with pytest.raises(InvalidAnswer):
        attempts.strike_option(exam, 1, slot(exam, 2).version.spec["options"][0]["id"], True)


# -- confidence, results and the review queue ------------------------------------------------------------


def test_confidence_summary_counts_each_pairing():
    summary = grading.confidence_summary(
        [("sure", True), ("sure", True), ("sure", False), ("unsure", True), ("guessing", True), ("", False)]
    )
    assert summary == grading.ConfidenceSummary(
        right_and_sure=2, lucky=2, wrong_but_sure=1, wrong_and_unsure=0, rated=5
    )
    mixed = grading.confidence_summary([("unsure", False), ("guessing", False), ("guessing", True)])
    assert (mixed.lucky, mixed.wrong_and_unsure, mixed.rated) == (1, 2, 3)
    assert grading.confidence_summary([]) == grading.ConfidenceSummary()


def finished_exam_with_marks(exam) -> Attempt:
    """Item 1 right and sure, 2 right but guessing, 3 wrong but sure, 4 wrong and unsure (changed once),
    5 unanswered; items 2 and 5 flagged."""
    record(exam, 1, key_ids(exam, 1), "sure")
    record(exam, 2, key_ids(exam, 2), "guessing")
    record(exam, 3, wrong_ids(exam, 3), "sure")
    record(exam, 4, key_ids(exam, 4), "unsure")
    record(exam, 4, wrong_ids(exam, 4), "unsure")
    attempts.set_flag(exam, 2, True)
    attempts.set_flag(exam, 5, True)
    return attempts.finish_attempt(exam)


def test_results_put_wrong_but_sure_first_and_count_the_marks(exam):
    results = attempts.results(finished_exam_with_marks(exam))
    assert [i.slot.number for i in results.items] == [3, 1, 2, 4, 5]
    assert results.confidence == grading.ConfidenceSummary(
        right_and_sure=1, lucky=1, wrong_but_sure=1, wrong_and_unsure=1, rated=4
    )
    assert (results.flagged, results.changed) == (2, 1)


def test_a_wrong_but_sure_answer_is_reviewed_before_older_mistakes(learner, exam, practice_quiz):
    earlier = attempts.start_attempt(learner, practice_quiz, now=timezone.now() - timedelta(days=3))
    for number in range(1, earlier.slot_count + 1):
        record(earlier, number, wrong_ids(earlier, number), now=timezone.now() - timedelta(days=3))
    attempts.finish_attempt(earlier, now=timezone.now() - timedelta(days=3))
    finished_exam_with_marks(exam)
    misconception = slot(exam, 3).version.question
    card = review_queue.next_due(learner, timezone.now() + timedelta(days=30))
    assert card.question == misconception and card.confidently_wrong
    assert ReviewCard.objects.filter(confidently_wrong=True).count() == 1  # item 4 was wrong but unsure
    review_queue.review_answer(card, form_data({"option": key_ids(exam, 3)}), card.review_count)
    assert not ReviewCard.objects.get(pk=card.pk).confidently_wrong


# -- the item page: navigator, flag and strike buttons, confidence -------------------------------------


def navigator(page: str) -> str:
    return page.split('<nav id="navigator"')[1].split("</nav>")[0]


def test_the_exam_item_page_shows_the_navigator_by_text_not_colour(learner_client, exam):
    record(exam, 2, key_ids(exam, 2))
    attempts.set_flag(exam, 3, True)
    page = learner_client.get(item_url(exam, 1)).content.decode()
    grid = navigator(page)
    assert "All questions" in grid
    assert grid.count('<li id="nav-') == exam.slot_count
    for number in range(1, exam.slot_count + 1):
        assert item_url(exam, number) in grid  # any item can be opened
    circle, check, flag = (f'<svg><use href="#i-{n}"/></svg>' for n in ICONS)
    assert f'aria-current="step" aria-label="Question 1 not answered">1{circle}</a>' in grid
    assert f'class="done" aria-label="Question 2 answered">2{check}</a>' in grid
    assert f'aria-label="Question 3 not answered, flagged">3{circle}{flag}</a>' in grid
    assert "hx-swap-oob" not in grid  # only in an htmx response
    assert not any(marker in page for marker in KEY_MARKERS)


def oob_entry(page: str, number: int) -> str:
    """The navigator entry an htmx response sends out of band for item `number`."""
    return page.split(f'<li id="nav-{number}" hx-swap-oob="true">')[1].split("</li>")[0]


def test_an_htmx_step_sends_the_card_and_only_the_navigator_entry_it_changed(learner_client, exam):
    response = learner_client.get(item_url(exam, 2), **HTMX)
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="question-card"')
    assert "<html" not in page and "HX-Request" in response["Vary"]
    assert "navigator" not in page  # moving between items changes no entry (app.js moves aria-current)
    answered = learner_client.post(
        answer_url(exam), {"slot": 2, "option": key_ids(exam, 2)}, **HTMX
    ).content.decode()
    assert "Question 3 of 5" in answered
    assert answered.count("hx-swap-oob") == 1
    check = '<svg><use href="#i-check"/></svg>'
    assert f'aria-label="Question 2 answered">2{check}</a>' in oob_entry(answered, 2)


def test_a_practice_item_has_flag_and_confidence_but_no_navigator(learner_client, practice):
    page = learner_client.get(item_url(practice, 1)).content.decode()
    assert 'id="navigator"' not in page
    assert 'name="flag" value="on" aria-pressed="false"' in page
    assert "<legend>How sure are you?" in page
    for value in ("sure", "unsure", "guessing"):
        assert f'name="confidence" value="{value}"' in page


@pytest.mark.parametrize("extra", [{}, HTMX], ids=["page", "fragment"])
def test_flagging_keeps_the_answer_being_built(learner_client, exam, extra):
    option = wrong_ids(exam, 1)[0]
    response = mark(
        learner_client, exam, 1, {"flag": "on", "option": option, "confidence": "unsure"}, **extra
    )
    page = response.content.decode()
    assert response.status_code == 200 and slot(exam, 1).flagged
    assert f'value="{option}" checked' in page and 'value="unsure" checked' in page
    assert 'name="flag" value="off" aria-pressed="true"' in page and "autofocus data-swap-focus" in page
    assert "Flagged</span>" in page and not Response.objects.exists()  # marked, not answered
    assert not any(marker in page for marker in KEY_MARKERS)  # and the key stays on the server
    assert ("<html" in page) == (extra == {})
    if extra:
        assert "not answered, flagged" in oob_entry(page, 1)


def test_a_repeated_flag_post_changes_nothing(learner_client, exam):
    for _ in range(2):
        mark(learner_client, exam, 1, {"flag": "on"})
    assert slot(exam, 1).flagged
    mark(learner_client, exam, 1, {"flag": "off"})
    assert not slot(exam, 1).flagged


def test_a_practice_item_can_be_flagged_after_its_feedback(learner_client, practice):
    learner_client.post(answer_url(practice), {"slot": 1, "option": key_ids(practice, 1)})
    page = mark(learner_client, practice, 1, {"flag": "on"}, **HTMX).content.decode()
    assert slot(practice, 1).flagged
    assert "RATIONALE-" in page  # the feedback stays
    assert 'name="flag" value="off" aria-pressed="true"' in page


@pytest.mark.parametrize("extra", [{}, HTMX], ids=["page", "fragment"])
def test_striking_an_option_crosses_it_out_and_keeps_it_choosable(learner_client, exam, extra):
    item = choice_slot(exam)
    struck, other = (o["id"] for o in item.version.spec["options"][:2])
    response = mark(learner_client, exam, item.number, {"strike": struck, "option": other}, **extra)
    page = response.content.decode()
    assert response.status_code == 200 and Slot.objects.get(pk=item.pk).struck == [struck]
    assert '<li class="struck">' in page and "Ruled out" in page
    assert f'name="restore" value="{struck}"' in page and f'name="strike" value="{other}"' in page
    assert f'value="{other}" checked' in page  # the answer being built is kept
    assert f'name="option" value="{struck}"' in page  # still there to choose
    assert not any(marker in page for marker in KEY_MARKERS)
    restored = mark(learner_client, exam, item.number, {"restore": struck}, **extra)
    assert restored.status_code == 200 and Slot.objects.get(pk=item.pk).struck == []


@pytest.mark.parametrize(
    "data",
    [{"flag": "maybe"}, {"flag": ["on", "off"]}, {"strike": "not-an-option"}, {"restore": ""}],
    ids=["bad-flag", "two-flags", "unknown-option", "empty-option"],
)
def test_bad_marks_get_a_400_and_change_nothing(learner_client, exam, data):
    response = mark(learner_client, exam, 1, data)
    assert response.status_code == 400
    assert not Slot.objects.filter(flagged=True).exists()
    assert not Slot.objects.exclude(struck=[]).exists()


def test_marks_after_the_attempt_is_finished_lead_to_the_results(learner_client, exam):
    attempts.finish_attempt(exam)
    response = mark(learner_client, exam, 1, {"flag": "on"})
    assert response.url == reverse("quizzes:attempt-result", args=[exam.code])
    assert not slot(exam, 1).flagged


def test_another_learner_cannot_mark_my_attempt(client, other_learner, exam):
    client.force_login(other_learner)
    assert mark(client, exam, 1, {"flag": "on"}).status_code == 404
    assert not slot(exam, 1).flagged


def test_marks_need_the_csrf_token(learner, exam):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert mark(client, exam, 1, {"flag": "on"}, **HTMX).status_code == 403
    assert not slot(exam, 1).flagged


def test_the_answer_view_stores_the_confidence(learner_client, exam):
    learner_client.post(answer_url(exam), {"slot": 1, "option": key_ids(exam, 1), "confidence": "guessing"})
    assert Response.objects.get().confidence == "guessing"
    bad = learner_client.post(answer_url(exam), {"slot": 2, "option": key_ids(exam, 2), "confidence": "x"})
    assert bad.status_code == 400 and Response.objects.count() == 1


def test_a_changed_answer_shows_again_when_the_item_is_reopened(learner_client, exam):
    learner_client.post(answer_url(exam), {"slot": 1, "option": key_ids(exam, 1), "confidence": "sure"})
    learner_client.post(answer_url(exam), {"slot": 1, "option": wrong_ids(exam, 1), "confidence": "unsure"})
    page = learner_client.get(item_url(exam, 1)).content.decode()
    assert f'value="{wrong_ids(exam, 1)[0]}" checked' in page and 'value="unsure" checked' in page
    assert Response.objects.count() == 1 and ResponseChange.objects.count() == 1


# -- review before submitting -----------------------------------------------------------------------------


def finish_url(attempt) -> str:
    return reverse("quizzes:attempt-finish", args=[attempt.code])


def test_review_before_submitting_lists_unanswered_and_flagged(learner_client, exam):
    record(exam, 1, key_ids(exam, 1))
    attempts.set_flag(exam, 1, True)
    attempts.set_flag(exam, 4, True)
    page = learner_client.get(finish_url(exam)).content.decode()
    assert "You have answered 1 of 5 questions and flagged 2 for review." in page
    flagged = page.split('id="flagged-heading"')[1].split("</section>")[0]
    assert "Flagged for review (2)" in flagged
    assert item_url(exam, 1) in flagged and item_url(exam, 4) in flagged and item_url(exam, 2) not in flagged
    assert "Not answered yet (4)" in page
    assert 'id="navigator"' in page and "hx-boost" not in navigator(page)  # plain links here


@pytest.mark.parametrize("extra", [{}, HTMX], ids=["page", "fragment"])
def test_submitting_with_unanswered_items_asks_first(learner_client, exam, extra):
    record(exam, 1, key_ids(exam, 1))
    response = learner_client.post(finish_url(exam), **extra)
    page = response.content.decode()
    assert response.status_code == 200 and not Attempt.objects.get(pk=exam.pk).is_finished
    assert "Submit with 4 questions not answered?" in page
    assert 'name="confirm" value="yes"' in page and "Yes, submit with 4 unanswered" in page
    assert f'href="{item_url(exam, 2)}">No, go to question 2' in page
    assert page.lstrip().startswith('<div id="submit-panel"') == bool(extra)
    confirmed = learner_client.post(finish_url(exam), {"confirm": "yes"}, **extra)
    result = reverse("quizzes:attempt-result", args=[exam.code])
    assert (confirmed.get("HX-Redirect") if extra else confirmed.url) == result
    assert Attempt.objects.get(pk=exam.pk).is_finished


def test_submitting_with_every_item_answered_needs_no_confirmation(learner_client, exam):
    for number in range(1, exam.slot_count + 1):
        record(exam, number, key_ids(exam, number))
    response = learner_client.post(finish_url(exam))
    assert response.url == reverse("quizzes:attempt-result", args=[exam.code])
    finished = Attempt.objects.get(pk=exam.pk)
    assert finished.is_finished and finished.points == finished.max_points


# -- results ----------------------------------------------------------------------------------------------


def test_results_show_the_marks_the_changed_answer_and_the_confidence_summary(learner_client, exam):
    finished_exam_with_marks(exam)
    Response.objects.filter(slot__attempt=exam, slot__number=1).update(seconds_spent=65)
    page = learner_client.get(reverse("quizzes:attempt-result", args=[exam.code])).content.decode()
    summary = page.split('id="marks-heading"')[1].split("</section>")[0]
    assert "<dt>Right and sure</dt><dd>1</dd>" in summary
    assert "<dt>Right but unsure or guessing (lucky)</dt><dd>1</dd>" in summary
    assert "<dt>Wrong but sure (misconceptions)</dt><dd>1</dd>" in summary
    assert "<dt>Wrong, and unsure or guessing</dt><dd>1</dd>" in summary
    assert "Flagged for review: 2 · answers changed: 1" in summary
    review = page.split('id="review-heading"')[1]
    order = [int(n) for n in re.findall(r'id="item-(\d+)"', review)]
    assert order == [3, 1, 2, 4, 5]  # wrong but sure first
    item3 = review.split('id="item-3"')[1].split('id="item-1"')[0]
    assert "Wrong but sure" in item3 and "Confidence: Sure" in item3
    item4 = review.split('id="item-4"')[1].split('id="item-5"')[0]
    assert "Answer changed 1 time" in item4 and "First answer at" in item4 and "Final answer at" in item4
    assert review.count('href="#i-flag"/></svg> Flagged') == 2
    assert "Time: 1 min 05 s" in review.split('id="item-1"')[1]


def test_results_show_the_options_the_learner_ruled_out(learner_client, exam):
    item = choice_slot(exam)
    struck = item.version.spec["options"][-1]["id"]
    attempts.strike_option(exam, item.number, struck, True)
    attempts.finish_attempt(exam)
    page = learner_client.get(reverse("quizzes:attempt-result", args=[exam.code])).content.decode()
    assert page.count("You ruled this out") == 1


# -- queries ----------------------------------------------------------------------------------------------


def test_the_navigator_costs_one_query_whatever_the_exam_length(client, learner):
    client.force_login(learner)
    counts = {}
    for size in (5, 60):
        quiz = make_bank(size, slug=f"nav{size}", exam_count=size).quizzes.get(slug="exam")
        attempt = attempts.start_attempt(learner, quiz)
        for number in range(1, size, 2):
            record(attempt, number, key_ids(attempt, number))
            attempts.set_flag(attempt, number + 1, True)
        counts[size] = {
            # attempt + quiz, slot + version + response, the navigator's slot states
            "item": queries(client, "get", item_url(attempt, 2)),
            # no navigator in a step: app.js moves aria-current
            "item fragment": queries(client, "get", item_url(attempt, 2), **HTMX),
            # the answer path's locked read (attempt, quiz, slot with version and response), the flag's update
            "flag": queries(client, "post", answer_url(attempt), {"slot": 2, "flag": "off"}, **HTMX),
            # the same locked read, the struck options read again under the lock, the update
            "strike": queries(
                client, "post", answer_url(attempt), {"slot": 1, "strike": key_ids(attempt, 1)[0]}, **HTMX
            ),
            # attempt + quiz, the slots' states
            "review before submitting": queries(client, "get", finish_url(attempt)),
        }
    assert counts[5] == counts[60]
    assert counts[5] == {
        "item": 3,
        "item fragment": 2,
        "flag": 2,
        "strike": 3,
        "review before submitting": 2,
    }


def test_the_review_session_says_why_a_misconception_comes_first(learner_client, exam):
    finished_exam_with_marks(exam)
    page = learner_client.get(reverse("quizzes:review-next")).content.decode()
    assert slot(exam, 3).version.stem in page
    assert "First in your queue: last time you were sure of a wrong answer to it." in page


def test_a_change_of_confidence_alone_is_not_called_a_changed_answer(learner_client, exam):
    record(exam, 1, wrong_ids(exam, 1), "guessing")
    record(exam, 1, wrong_ids(exam, 1), "sure")
    attempts.finish_attempt(exam)
    page = learner_client.get(reverse("quizzes:attempt-result", args=[exam.code])).content.decode()
    assert "Confidence changed, answer kept" in page and "Answer changed" not in page
    assert "(guessing)" in page and "(sure)" in page
    assert "answers changed: 0" in page


def test_the_home_page_says_how_many_due_reviews_are_misconceptions(learner_client, exam):
    finished_exam_with_marks(exam)  # items 3 (wrong, sure) and 4 (wrong, unsure) enter the queue
    page = learner_client.get(reverse("quizzes:home")).content.decode()
    assert "1 of them you answered wrong while sure: they come first." in page
