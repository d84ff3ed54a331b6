"""Item analysis: each statistic against numbers worked out by hand, then which attempts the database gives.

The fixed data set: five attempts at three items worth 1 mark each (C also gives half marks).

    attempt   A    B    C     total
    P1        1    1    1     3
    P2        1    1    0.5   2.5
    P3        1    0    0     1
    P4        0    1    1     2
    P5        0    0    -     0      (C unanswered: 0 marks)

Item A: marks 1,1,1,0,0, mean 0.6, V = (3 x 0.16 + 2 x 0.36) / 4 = 0.3. Rest of test X - x = 2, 1.5, 0, 2, 0:
mean 1.1, V = 4.2 / 4 = 1.05. C = (0.36 + 0.16 - 0.44 - 0.54 + 0.66) / 4 = 0.05.
D = 100 x 0.05 / sqrt(0.3 x 1.05) = 8.9087. Sorted: marks 0,0,1,1,1 against rest 0,0,1.5,2,2:
Cmax = (0.66 + 0.66 + 0.16 + 0.36 + 0.36) / 4 = 0.55, DE = 100 x 0.05 / 0.55 = 9.0909.
Item B: mean 0.6, V 0.3; rest 2, 1.5, 1, 1, 0: mean 1.1, V = 2.2 / 4 = 0.55; C = 1.2 / 4 = 0.3;
D = 30 / sqrt(0.165) = 73.8549; sorted rest 0,1,1,1.5,2: Cmax = 1.2 / 4 = 0.3, DE = 100.
Item C: marks 1, 0.5, 0, 1, 0: mean 0.5, V = 1 / 4 = 0.25 (SD 0.5); rest 2,2,1,1,0: mean 1.2,
V = 2.8 / 4 = 0.7; C = 1 / 4 = 0.25; D = 25 / sqrt(0.175) = 59.7614; sorted: marks 0,0,0.5,1,1, rest
0,1,1,2,2: Cmax = 1.5 / 4 = 0.375, DE = 66.6667.
Whole quiz: totals 3, 2.5, 1, 2, 0: mean 1.7, V = 5.8 / 4 = 1.45, SD = 1.20416, median 2.
CIC = 100 x 3/2 x (1 - (0.3 + 0.3 + 0.25) / 1.45) = 62.0690; ER = 100 x sqrt(1 - 0.620690) = 61.5882;
SE = 0.615882 x 1.20416 = 0.74162.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes import analysis
from quizzes.analysis import Flag, ItemStats, Which
from tests.conftest import make_classroom, make_owned_bank, make_scored_attempt, make_user

A = [1, 1, 1, 0, 0]
B = [1, 1, 0, 1, 0]
C = [1, 0.5, 0, 1, 0]
TOTALS = [3, 2.5, 1, 2, 0]


def rest(marks):
    return [t - m for t, m in zip(TOTALS, marks, strict=True)]


# -- each statistic ---------------------------------------------------------------------------------------


def test_facility_is_the_mean_mark_over_the_maximum():
    assert analysis.facility(A, 1.0) == pytest.approx(0.6)
    assert analysis.facility(C, 1.0) == pytest.approx(0.5)
    assert analysis.facility([2, 1], 2.0) == pytest.approx(0.75)
    assert analysis.facility([], 1.0) is None


def test_standard_deviation_is_the_sample_one_as_a_share_of_the_maximum():
    assert analysis.standard_deviation(A, 1.0) == pytest.approx(0.5477226)
    assert analysis.standard_deviation(C, 1.0) == pytest.approx(0.5)
    assert analysis.standard_deviation([2, 0], 2.0) == pytest.approx(0.7071068)  # sqrt(2) / 2
    assert analysis.standard_deviation([1], 1.0) is None


def test_discrimination_index_correlates_the_item_with_the_rest_of_the_test():
    assert analysis.discrimination_index(A, rest(A)) == pytest.approx(8.9087081)
    assert analysis.discrimination_index(B, rest(B)) == pytest.approx(73.8548946)
    assert analysis.discrimination_index(C, rest(C)) == pytest.approx(59.7614305)


def test_discrimination_index_is_negative_when_weaker_learners_do_better():
    # marks 1,0,0 (mean 1/3, V 1/3) against rest 0,1,2 (V 1): C = -0.5, D = -50 / sqrt(1/3)
    assert analysis.discrimination_index([1, 0, 0], [0, 1, 2]) == pytest.approx(-86.6025404)


def test_discrimination_index_is_undefined_for_a_flat_item_or_a_single_attempt():
    assert analysis.discrimination_index([1, 1, 1], [0, 1, 2]) is None
    assert analysis.discrimination_index([1, 0], [2, 2]) is None
    assert analysis.discrimination_index([1], [2]) is None


def test_discriminative_efficiency_compares_with_the_best_possible_covariance():
    assert analysis.discriminative_efficiency(A, rest(A)) == pytest.approx(9.0909091)
    assert analysis.discriminative_efficiency(B, rest(B)) == pytest.approx(100.0)
    assert analysis.discriminative_efficiency(C, rest(C)) == pytest.approx(66.6666667)
    assert analysis.discriminative_efficiency([1, 1], [0, 1]) is None


def test_internal_consistency_error_ratio_and_standard_error():
    cic = analysis.internal_consistency([0.3, 0.3, 0.25], 1.45)
    assert cic == pytest.approx(62.0689655)
    er = analysis.error_ratio(cic)
    assert er == pytest.approx(61.5881762)
    assert analysis.standard_error(er, 1.2041595) == pytest.approx(0.7416198)


def test_internal_consistency_needs_two_items_and_a_spread_of_totals():
    assert analysis.internal_consistency([0.3], 1.0) is None
    assert analysis.internal_consistency([0.3, 0.2], 0.0) is None
    assert analysis.error_ratio(None) is None
    assert analysis.standard_error(None, 1.0) is None


# -- one pass over rows -----------------------------------------------------------------------------------


def rows_of(marks_by_attempt, questions=(11, 12, 13)):
    """Rows as load_rows gives them; item versions 1, 2, 3 are questions 11, 12, 13; None = unanswered."""
    rows = []
    for attempt_id, marks in enumerate(marks_by_attempt, start=1):
        for number, (question, mark) in enumerate(zip(questions, marks, strict=True), start=1):
            answer = None if mark is None else (["key"] if mark == 1 else ["wrong"])
            rows.append((attempt_id, number, question - 10, question, 1.0, mark, answer))
    return rows


FIXED = [[1, 1, 1], [1, 1, 0.5], [1, 0, 0], [0, 1, 1], [0, 0, None]]


def test_analyse_gives_every_item_its_statistics_in_one_pass():
    result = analysis.analyse(rows_of(FIXED))
    assert result.attempts == 5
    items = {i.version_id: i for i in result.items}
    a, b, c = items[1], items[2], items[3]
    assert (a.attempts, a.question_id, a.max_mark) == (5, 11, 1.0)
    assert a.facility == pytest.approx(0.6) and a.sd == pytest.approx(0.5477226)
    assert a.discrimination == pytest.approx(8.9087081) and a.efficiency == pytest.approx(9.0909091)
    assert b.discrimination == pytest.approx(73.8548946) and b.efficiency == pytest.approx(100.0)
    assert c.facility == pytest.approx(0.5) and c.sd == pytest.approx(0.5)
    assert c.discrimination == pytest.approx(59.7614305) and c.efficiency == pytest.approx(66.6666667)


def test_analyse_counts_options_and_unanswered_slots():
    c = next(i for i in analysis.analyse(rows_of(FIXED)).items if i.version_id == 3)
    assert c.chosen == {"key": 2, "wrong": 2}
    assert c.unanswered == 1


def test_the_whole_quiz_figures_match_the_hand_computed_ones():
    test = analysis.analyse(rows_of(FIXED)).test
    assert (test.attempts, test.items) == (5, 3)
    assert test.mean == pytest.approx(1.7)
    assert test.mean_percent == pytest.approx(56.6666667)
    assert test.median == 2
    assert test.sd == pytest.approx(1.2041595)
    assert test.cic == pytest.approx(62.0689655)
    assert test.error_ratio == pytest.approx(61.5881762)
    assert test.standard_error == pytest.approx(0.7416198)


def test_whole_quiz_figures_are_left_out_for_a_bank_and_need_three_attempts():
    assert analysis.analyse(rows_of(FIXED), whole_test=False).test is None
    two = analysis.analyse(rows_of(FIXED[:2])).test
    assert two.attempts == 2 and two.cic is None and two.standard_error is None
    assert analysis.analyse([]).test is None


def test_drawn_questions_make_each_position_one_item_as_moodle_does_for_random_questions():
    # Three attempts drew different questions; positions 1 and 2 are the items. Position marks:
    # slot 1: 1, 1, 0 (V 1/3); slot 2: 1, 0, 0 (V 1/3); totals 2, 1, 0 (V 1).
    rows = [
        (1, 1, 1, 11, 1.0, 1.0, []),
        (1, 2, 2, 12, 1.0, 1.0, []),
        (2, 1, 3, 13, 1.0, 1.0, []),
        (2, 2, 1, 11, 1.0, 0.0, []),
        (3, 1, 2, 12, 1.0, 0.0, []),
        (3, 2, 3, 13, 1.0, None, None),
    ]
    result = analysis.analyse(rows)
    # CIC = 100 x 2 x (1 - (1/3 + 1/3) / 1) = 66.67
    assert result.test.items == 2
    assert result.test.cic == pytest.approx(66.6666667)
    # per item, each question counts over the attempts that drew it
    assert {i.version_id: i.attempts for i in result.items} == {1: 2, 2: 2, 3: 2}


def test_attempts_of_another_length_are_left_out_of_the_whole_quiz_figures():
    rows = rows_of(FIXED) + [(9, 1, 4, 14, 1.0, 1.0, []), (9, 2, 5, 15, 1.0, 0.0, [])]
    result = analysis.analyse(rows)
    assert result.attempts == 6
    assert (result.test.attempts, result.test.items) == (5, 3)
    assert result.test.cic == pytest.approx(62.0689655)


def stats(**kwargs):
    values = {"facility": 0.5, "sd": 0.3, "discrimination": 30.0, "efficiency": 40.0} | kwargs
    return ItemStats(version_id=1, question_id=1, max_mark=1.0, attempts=10, **values)


def test_flags_follow_the_limits_of_the_issue():
    assert stats(facility=0.95).flags == [Flag.TOO_EASY]
    assert stats(facility=0.1).flags == [Flag.TOO_HARD]
    assert stats(discrimination=-0.5).flags == [Flag.NEGATIVE]
    assert stats(facility=0.1, discrimination=-20.0).flags == [Flag.TOO_HARD, Flag.NEGATIVE]
    # on the limits themselves, and without enough data, nothing is flagged
    assert stats(facility=0.9).flags == stats(facility=0.2).flags == stats(discrimination=0.0).flags == []
    assert stats(facility=None, discrimination=None).flags == []


def test_option_counts_follow_the_written_order_with_the_key_marked():
    spec = {
        "options": [
            {"id": "a", "text": "IVIG", "correct": True},
            {"id": "b", "text": "Corticosteroids", "correct": False},
            {"id": "c", "text": "Plasma exchange", "correct": False},
        ]
    }
    item = ItemStats(1, 1, 1.0, 5, 0.6, 0.5, 10.0, 10.0, chosen={"a": 3, "b": 1}, unanswered=1)
    counts = analysis.option_counts(spec, item)
    assert [(o.text, o.correct, o.count) for o in counts] == [
        ("IVIG", True, 3),
        ("Corticosteroids", False, 1),
        ("Plasma exchange", False, 0),
    ]
    assert [o.share for o in counts] == [0.75, 0.25, 0.0]  # of the 4 answers given
    assert analysis.option_counts({"pairs": []}, item) == []


# -- which attempts the database gives --------------------------------------------------------------------


@pytest.fixture
def setting(educator, learner, other_learner):
    bank = make_owned_bank(educator, 6)
    quiz = bank.quizzes.get(slug="practice")
    return bank, quiz


def analysed(quiz, **filters):
    from quizzes.models import Quiz

    return set(analysis.analysed_attempts(Quiz.objects.filter(pk=quiz.pk), **filters))


@pytest.mark.django_db
def test_first_finished_attempts_by_default_and_every_one_on_request(setting, learner, other_learner):
    _, quiz = setting
    now = timezone.now()
    first = make_scored_attempt(learner, quiz, [1, 0], finished_at=now - timedelta(days=3))
    second = make_scored_attempt(learner, quiz, [1, 1], finished_at=now - timedelta(days=1))
    other = make_scored_attempt(other_learner, quiz, [0, 0], finished_at=now - timedelta(days=2))
    make_scored_attempt(learner, quiz, [1, 1]).delete()  # deleted: never counted
    unfinished = make_scored_attempt(other_learner, quiz, [1, 1])
    unfinished.finished_at = None
    unfinished.save()
    assert analysed(quiz) == {first, other}
    assert analysed(quiz, which=Which.ALL) == {first, second, other}


@pytest.mark.django_db
def test_first_is_decided_before_the_date_filter(setting, learner, other_learner):
    _, quiz = setting
    now = timezone.now()
    old = make_scored_attempt(learner, quiz, [1, 0], finished_at=now - timedelta(days=10))
    make_scored_attempt(learner, quiz, [1, 1], finished_at=now - timedelta(days=1))
    other = make_scored_attempt(other_learner, quiz, [0, 0], finished_at=now - timedelta(days=2))
    recent = {"since": now - timedelta(days=5)}
    assert analysed(quiz, **recent) == {other}  # the learner's practised second attempt is not a first one
    assert len(analysed(quiz, which=Which.ALL, **recent)) == 2
    assert analysed(quiz, until=now - timedelta(days=5)) == {old}


@pytest.mark.django_db
def test_a_class_filter_keeps_its_learners_only(setting, educator, learner, other_learner):
    _, quiz = setting
    mine = make_scored_attempt(learner, quiz, [1, 0])
    make_scored_attempt(other_learner, quiz, [0, 0])
    classroom = make_classroom(educator, [learner])
    make_classroom(educator, [learner, other_learner], name="Both")  # a second class changes nothing
    assert analysed(quiz, classroom=classroom) == {mine}


@pytest.mark.django_db
def test_load_rows_gives_every_slot_with_its_response_in_one_query(
    setting, learner, django_assert_num_queries
):
    _, quiz = setting
    attempt = make_scored_attempt(learner, quiz, [1, None], answers=[["x"], None])
    slots = list(attempt.slots.select_related("version").order_by("number"))
    with django_assert_num_queries(1):
        rows = analysis.load_rows(analysis.analysed_attempts(type(quiz).objects.filter(pk=quiz.pk)))
    assert sorted(rows) == [
        (attempt.pk, 1, slots[0].version_id, slots[0].version.question_id, 2.0, 1.0, ["x"]),  # a SATA: 2 keys
        (attempt.pk, 2, slots[1].version_id, slots[1].version.question_id, 1.0, None, None),
    ]


@pytest.mark.django_db
def test_item_reports_put_each_version_beside_its_statistics(setting, learner, other_learner):
    bank, quiz = setting
    for user, marks in ((learner, [1, 0, 1]), (other_learner, [0, 0, 1]), (make_user("ida"), [1, 1, 1])):
        make_scored_attempt(user, quiz, marks)
    result = analysis.analyse(analysis.load_rows(analysis.analysed_attempts(bank.quizzes.all())))
    reports = analysis.item_reports(result)
    assert len(reports) == 3
    by_key = {r.version.question.key: r for r in reports}
    first, _, third = (by_key[q.key] for q in bank.questions.order_by("pk")[:3])
    assert first.version.max_points == 2  # a SATA with two keys: mean 2/3 of 2 marks
    assert first.stats.facility == pytest.approx(1 / 3)
    assert third.stats.facility == 1.0 and third.flag_labels == ["Too easy (facility above 90%)"]
    assert [o.text for o in first.options] == [o["text"] for o in first.version.spec["options"]]
