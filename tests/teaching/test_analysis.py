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

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import QuestionVersion
from quizzes.teaching import analysis
from quizzes.teaching.analysis import Counts, Flag, ItemStats, Which
from tests.conftest import make_classroom, make_owned_bank, make_scored_attempt, make_user

A = [1, 1, 1, 0, 0]
B = [1, 1, 0, 1, 0]
C = [1, 0.5, 0, 1, 0]
TOTALS = [3, 2.5, 1, 2, 0]


def pairs(marks):
    """Each attempt's (mark, rest of test), counted once."""
    return [(m, t - m, 1) for m, t in zip(marks, TOTALS, strict=True)]


def grouped(marks):
    """The same pairs as the database returns them: equal pairs counted together."""
    return [(m, r, n) for (m, r), n in Counter((m, r) for m, r, _ in pairs(marks)).items()]


# -- each statistic ---------------------------------------------------------------------------------------


def test_facility_is_the_mean_mark_over_the_maximum():
    assert analysis.facility(pairs(A), 1.0) == pytest.approx(0.6)
    assert analysis.facility(pairs(C), 1.0) == pytest.approx(0.5)
    assert analysis.facility([(2, 0, 1), (1, 0, 1)], 2.0) == pytest.approx(0.75)
    assert analysis.facility([], 1.0) is None


def test_standard_deviation_is_the_sample_one_as_a_share_of_the_maximum():
    assert analysis.standard_deviation(pairs(A), 1.0) == pytest.approx(0.5477226)
    assert analysis.standard_deviation(pairs(C), 1.0) == pytest.approx(0.5)
    assert analysis.standard_deviation([(2, 0, 1), (0, 0, 1)], 2.0) == pytest.approx(0.7071068)  # sqrt(2) / 2
    assert analysis.standard_deviation([(1, 0, 1)], 1.0) is None


def test_discrimination_index_correlates_the_item_with_the_rest_of_the_test():
    assert analysis.discrimination_index(pairs(A)) == pytest.approx(8.9087081)
    assert analysis.discrimination_index(pairs(B)) == pytest.approx(73.8548946)
    assert analysis.discrimination_index(pairs(C)) == pytest.approx(59.7614305)


def test_discrimination_index_is_negative_when_weaker_learners_do_better():
    # marks 1,0,0 (mean 1/3, V 1/3) against rest 0,1,2 (V 1): C = -0.5, D = -50 / sqrt(1/3)
    assert analysis.discrimination_index([(1, 0, 1), (0, 1, 1), (0, 2, 1)]) == pytest.approx(-86.6025404)


def test_discrimination_index_is_undefined_for_a_flat_item_or_a_single_attempt():
    assert analysis.discrimination_index([(1, 0, 1), (1, 1, 1), (1, 2, 1)]) is None
    assert analysis.discrimination_index([(1, 2, 1), (0, 2, 1)]) is None
    assert analysis.discrimination_index([(1, 2, 1)]) is None


def test_discriminative_efficiency_compares_with_the_best_possible_covariance():
    assert analysis.discriminative_efficiency(pairs(A)) == pytest.approx(9.0909091)
    assert analysis.discriminative_efficiency(pairs(B)) == pytest.approx(100.0)
    assert analysis.discriminative_efficiency(pairs(C)) == pytest.approx(66.6666667)
    assert analysis.discriminative_efficiency([(1, 0, 1), (1, 1, 1)]) is None


def test_counted_groups_give_the_same_numbers_as_single_attempts():
    for marks in (A, B, C):
        for statistic in (analysis.discrimination_index, analysis.discriminative_efficiency):
            assert statistic(grouped(marks)) == pytest.approx(statistic(pairs(marks)))
    # 30 attempts in three groups: 10 x (x 1, r 2), 10 x (0, 1), 10 x (0, 0). Mean x 1/3, mean r 1;
    # V(x) = (10 x 4/9 + 20 x 1/9) / 29 = 60/261, V(r) = 20/29, C = (10 x 2/3 + 10 x 1/3) / 29 = 10/29;
    # D = 100 x (10/29) / sqrt(60/261 x 20/29) = 100 x sqrt(3)/2. Sorted, the groups pair alike: DE 100.
    many = [(1, 2, 10), (0, 1, 10), (0, 0, 10)]
    spelled = [(1, 2, 1)] * 10 + [(0, 1, 1)] * 10 + [(0, 0, 1)] * 10
    assert analysis.discrimination_index(many) == pytest.approx(86.6025404)
    assert analysis.discrimination_index(spelled) == pytest.approx(86.6025404)
    assert analysis.discriminative_efficiency(many) == pytest.approx(100.0)
    # Groups split when sorted: x 1, 1, 0, 0, 0 against r 0, 0, 5, 5, 0 (means 0.4 and 2): C = -4 / 4 = -1;
    # sorted, x 0, 0, 0, 1, 1 with r 0, 0, 0, 5, 5: Cmax = (3 x 0.8 + 2 x 1.8) / 4 = 1.5; DE = -66.67.
    assert analysis.discriminative_efficiency([(1, 0, 2), (0, 5, 2), (0, 0, 1)]) == pytest.approx(-66.6666667)


def test_median_of_counted_values():
    assert analysis.median([(3, 1), (2.5, 1), (1, 1), (2, 1), (0, 1)]) == 2
    assert analysis.median([(1, 2), (3, 2)]) == 2  # 1, 1, 3, 3
    assert analysis.median([(1, 3), (3, 1)]) == 1  # 1, 1, 1, 3
    assert analysis.median([(5, 1)]) == 5
    assert analysis.median([]) is None


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


# -- an analysis from counts ------------------------------------------------------------------------------

FIXED = [[1, 1, 1], [1, 1, 0.5], [1, 0, 0], [0, 1, 1], [0, 0, None]]  # None: unanswered


def counts_of(marks_by_attempt, questions_by_attempt=None, max_mark=1.0, chosen=None) -> Counts:
    """What the database would count for these attempts: slot n of attempt a holds version
    questions_by_attempt[a][n] (version v is question v + 10); the fixed items 1, 2, 3 by default."""
    questions_by_attempt = questions_by_attempt or [[1, 2, 3]] * len(marks_by_attempt)
    attempts, items, positions = Counter(), Counter(), Counter()
    blanks = Counter()
    versions = set()
    for marks, drawn in zip(marks_by_attempt, questions_by_attempt, strict=True):
        total = sum(m or 0 for m in marks)
        attempts[(len(marks), total, max_mark * len(marks))] += 1
        for version, mark in zip(drawn, marks, strict=True):
            versions.add(version)
            items[(version, mark or 0.0, total)] += 1
            blanks[(version, mark or 0.0, total)] += mark is None
    length = analysis.usual_length([(*key, n) for key, n in attempts.items()])
    for marks in marks_by_attempt:
        if len(marks) == length:
            for number, mark in enumerate(marks, start=1):
                positions[(number, mark or 0.0)] += 1
    return Counts(
        attempts=[(*key, n) for key, n in attempts.items()],
        items=[(*key, n, blanks[key]) for key, n in items.items()],
        positions=[(*key, n) for key, n in positions.items()],
        questions={v: v + 10 for v in versions},
        max_marks={v: max_mark for v in versions},
        chosen=chosen or {},
    )


def test_analyse_gives_every_item_its_statistics():
    result = analysis.analyse(counts_of(FIXED, chosen={3: Counter(key=2, wrong=2)}))
    assert result.attempts == 5
    items = {i.version_id: i for i in result.items}
    a, b, c = items[1], items[2], items[3]
    assert (a.attempts, a.question_id, a.max_mark) == (5, 11, 1.0)
    assert a.facility == pytest.approx(0.6) and a.sd == pytest.approx(0.5477226)
    assert a.discrimination == pytest.approx(8.9087081) and a.efficiency == pytest.approx(9.0909091)
    assert b.discrimination == pytest.approx(73.8548946) and b.efficiency == pytest.approx(100.0)
    assert c.facility == pytest.approx(0.5) and c.sd == pytest.approx(0.5)
    assert c.discrimination == pytest.approx(59.7614305) and c.efficiency == pytest.approx(66.6666667)
    assert (c.unanswered, c.chosen) == (1, Counter(key=2, wrong=2))
    assert a.unanswered == 0 and a.chosen == Counter()


def test_the_whole_quiz_figures_match_the_hand_computed_ones():
    test = analysis.analyse(counts_of(FIXED)).test
    assert (test.attempts, test.items) == (5, 3)
    assert test.mean == pytest.approx(1.7)
    assert test.mean_percent == pytest.approx(56.6666667)
    assert test.median == 2
    assert test.sd == pytest.approx(1.2041595)
    assert test.cic == pytest.approx(62.0689655)
    assert test.error_ratio == pytest.approx(61.5881762)
    assert test.standard_error == pytest.approx(0.7416198)


def test_the_same_questions_in_another_order_are_still_the_same_items():
    shuffled = [[1, 2, 3], [3, 1, 2], [2, 3, 1], [1, 3, 2], [3, 2, 1]]
    marks = [[row[q - 1] for q in order] for row, order in zip(FIXED, shuffled, strict=True)]
    assert analysis.analyse(counts_of(marks, shuffled)).test.cic == pytest.approx(62.0689655)


def test_whole_quiz_figures_are_left_out_for_a_bank_and_need_three_attempts():
    assert analysis.analyse(counts_of(FIXED), whole_test=False).test is None
    two = analysis.analyse(counts_of(FIXED[:2])).test
    assert two.attempts == 2 and two.cic is None and two.standard_error is None
    empty = analysis.analyse(counts_of([]))
    assert empty.attempts == 0 and empty.items == [] and empty.test is None


def test_drawn_questions_make_each_position_one_item_as_moodle_does_for_random_questions():
    # Three attempts drew different questions; positions 1 and 2 are the items. Position marks:
    # slot 1: 1, 1, 0 (V 1/3); slot 2: 1, 0, 0 (V 1/3); totals 2, 1, 0 (V 1).
    result = analysis.analyse(counts_of([[1, 1], [1, 0], [0, None]], [[1, 2], [3, 1], [2, 3]]))
    # CIC = 100 x 2 x (1 - (1/3 + 1/3) / 1) = 66.67
    assert result.test.items == 2
    assert result.test.cic == pytest.approx(66.6666667)
    # per item, each question counts over the attempts that drew it
    assert {i.version_id: i.attempts for i in result.items} == {1: 2, 2: 2, 3: 2}


def test_attempts_of_another_length_are_left_out_of_the_whole_quiz_figures():
    result = analysis.analyse(counts_of([*FIXED, [1, 0]], [[1, 2, 3]] * 5 + [[4, 5]]))
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
    item = ItemStats(1, 1, 1.0, 5, 0.6, 0.5, 10.0, 10.0, chosen=Counter(a=3, b=1), unanswered=1)
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
    return set(analysis.analysed_attempts([quiz.pk], **filters))


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
def test_the_database_counts_give_the_hand_computed_numbers(setting, django_assert_num_queries):
    """The fixed data set as real attempts: the first three questions worth 1 mark each."""
    bank, quiz = setting
    questions = list(bank.questions.order_by("pk")[:3])
    QuestionVersion.objects.filter(question__in=questions).update(max_points=1.0)
    key = [o["id"] for o in questions[2].current_version.spec["options"] if o["correct"]]
    wrong = [next(o["id"] for o in questions[2].current_version.spec["options"] if not o["correct"])]
    answers_c = [key, wrong, wrong, key, None]  # C: right, half (a wrong option), wrong, right, unanswered
    learners = [make_user(f"learner-{n}") for n in range(5)]
    for user, marks, answer in zip(learners, FIXED, answers_c, strict=True):
        make_scored_attempt(user, quiz, marks, answers=[[], [], answer])
    # attempts, marks and answers per item, versions, marks per position, answers changed, answers "sure"
    with django_assert_num_queries(6):
        result, reports = analysis.run([quiz.pk])
    assert result.attempts == 5
    a, b, c = (next(r for r in reports if r.version.question == q) for q in questions)
    assert a.stats.discrimination == pytest.approx(8.9087081) and a.stats.efficiency == pytest.approx(
        9.0909091
    )
    assert b.stats.discrimination == pytest.approx(73.8548946) and b.stats.efficiency == pytest.approx(100.0)
    assert c.stats.facility == pytest.approx(0.5) and c.stats.sd == pytest.approx(0.5)
    assert c.stats.discrimination == pytest.approx(59.7614305) and c.stats.efficiency == pytest.approx(
        66.6666667
    )
    assert c.stats.unanswered == 1
    assert [(o.correct, o.count) for o in c.options if o.count] == [(True, 2), (False, 2)]
    test = result.test
    assert (test.attempts, test.items, test.median) == (5, 3, 2)
    assert test.cic == pytest.approx(62.0689655) and test.standard_error == pytest.approx(0.7416198)


@pytest.mark.django_db
def test_drawn_questions_are_counted_by_position(setting, django_assert_num_queries):
    """A random draw: attempts hold different questions, so the whole-quiz items are the positions."""
    bank, quiz = setting
    versions = [q.current_version for q in bank.questions.order_by("pk")]
    QuestionVersion.objects.filter(pk__in=[v.pk for v in versions]).update(max_points=1.0)
    from quizzes.models import Attempt, Response, Slot

    for n, (drawn, marks) in enumerate(
        zip([[0, 1], [2, 0], [1, 2]], [[1, 1], [1, 0], [0, None]], strict=True)
    ):
        attempt = Attempt.objects.create(
            user=make_user(f"drawn-{n}"),
            quiz=quiz,
            mode=quiz.mode,
            seed=n,
            slot_count=2,
            finished_at=timezone.now(),
            points=sum(m or 0 for m in marks),
            max_points=2,
        )
        for number, (index, mark) in enumerate(zip(drawn, marks, strict=True), start=1):
            slot = Slot.objects.create(attempt=attempt, number=number, version=versions[index])
            if mark is not None:
                Response.objects.create(slot=slot, answer=[], points=mark, max_points=1)
    result, _ = analysis.run([quiz.pk])
    assert result.test.items == 2 and result.test.cic == pytest.approx(66.6666667)
    assert sorted(i.attempts for i in result.items) == [2, 2, 2]


@pytest.mark.django_db
def test_item_reports_put_each_version_beside_its_statistics(setting, learner, other_learner):
    bank, quiz = setting
    for user, marks in ((learner, [1, 0, 1]), (other_learner, [0, 0, 1]), (make_user("ida"), [1, 1, 1])):
        make_scored_attempt(user, quiz, marks)
    _, reports = analysis.run([quiz.pk], whole_test=False)
    assert len(reports) == 3
    by_key = {r.version.question.key: r for r in reports}
    first, _, third = (by_key[q.key] for q in bank.questions.order_by("pk")[:3])
    assert first.version.max_points == 2  # a SATA with two keys: mean 2/3 of 2 marks
    assert first.stats.facility == pytest.approx(1 / 3)
    assert third.stats.facility == 1.0 and third.flag_labels == ["Too easy (facility above 90%)"]
    assert [o.text for o in first.options] == [o["text"] for o in first.version.spec["options"]]


def test_changed_answers_are_counted_by_direction():
    rows = [
        (1, 0.0, 1.0, 1.0),
        (1, 1.0, 0.0, 1.0),
        (1, 0.0, 0.0, 1.0),
        (1, 0.0, 1.0, 1.0),
        (2, 1.0, 2.0, 2.0),
    ]
    assert analysis.count_changes(rows) == {
        1: analysis.Changes(changed=4, wrong_to_right=2, right_to_wrong=1),
        2: analysis.Changes(changed=1, wrong_to_right=1, right_to_wrong=0),
    }


@pytest.mark.django_db
def test_the_analysis_counts_changed_answers_and_wrong_but_sure_ones(learner, other_learner, exam_quiz):
    """From real exam attempts: the first answer against the one that counted, and the confidence given."""
    from quizzes.items.base import form_data
    from quizzes.taking import attempts

    def answer(attempt, options, confidence=""):
        attempts.record_answer(attempt, 1, form_data({"option": options, "confidence": confidence}))

    # The same seed draws the same questions in the same order for both learners.
    first, second = (attempts.start_attempt(user, exam_quiz, seed=7) for user in (learner, other_learner))
    version = first.slots.get(number=1).version
    assert second.slots.get(number=1).version == version
    key = [o["id"] for o in version.spec["options"] if o["correct"]]
    wrong = [next(o["id"] for o in version.spec["options"] if not o["correct"])]
    answer(first, wrong)
    answer(first, key)
    answer(first, wrong, "unsure")  # changed twice, but first and last both wrong
    answer(second, key, "sure")
    answer(second, wrong, "sure")  # right to wrong, and wrong while sure
    for attempt in (first, second):
        attempts.finish_attempt(attempt)
    _, reports = analysis.run([exam_quiz.pk])
    stats = next(r.stats for r in reports if r.version == version)
    assert stats.changes == analysis.Changes(changed=2, wrong_to_right=0, right_to_wrong=1)
    assert (stats.sure, stats.sure_wrong) == (1, 1)


def test_by_tag_weights_facility_by_answers_and_puts_untagged_items_last():
    def report(facility, attempts, step="", level=""):
        version = QuestionVersion(clinical_judgment=step, cognitive_level=level)
        return analysis.ItemReport(version, ItemStats(1, 1, 1.0, attempts, facility, 0.3, 30.0, 40.0), [])

    reports = [report(1.0, 30, "take-action"), report(0.5, 10, "take-action", "recall"), report(0.2, 5)]
    steps, levels = analysis.by_tag(reports)
    assert steps.title == "Clinical judgment step"
    assert [(r.label, r.items, r.answers, r.facility) for r in steps.rows] == [
        ("Take action", 2, 40, pytest.approx(0.875)),
        ("Not tagged", 1, 5, pytest.approx(0.2)),
    ]
    assert [(r.value, r.items) for r in levels.rows] == [("recall", 1), ("", 2)]
