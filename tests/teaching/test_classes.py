"""Classes as plain rules: join codes, joining, removing, assigning, where a learner's assignment stands,
and the gradebook (scores, statuses, averages, sorting, CSV)."""

from datetime import timedelta
from itertools import cycle

import pytest
from django.utils import timezone

from quizzes.models import Attempt, Classroom, Membership
from quizzes.teaching import classes, gradebook
from quizzes.teaching.classes import Status, assignment_status
from quizzes.teaching.gradebook import CellStatus, Pick
from tests.conftest import make_classroom, make_owned_bank, make_scored_attempt, make_user

NOW = timezone.now()
DAY = timedelta(days=1)


# -- join codes -------------------------------------------------------------------------------------------


def test_join_codes_are_short_and_use_no_easily_confused_characters():
    codes = {classes.new_join_code() for _ in range(300)}
    assert all(len(code) == 6 for code in codes)
    assert not set("".join(codes)) & set("0O1I")
    assert set("".join(codes)) <= set(classes.JOIN_CODE_ALPHABET)
    assert len(codes) > 290  # random, not a sequence


def test_a_typed_code_is_tidied_and_an_impossible_one_refused():
    assert classes.normalise_code(" abc-234 ") == "ABC234"
    assert classes.normalise_code("ab c2 34") == "ABC234"
    assert classes.normalise_code("ABC23") is None  # too short
    assert classes.normalise_code("ABC2340") is None  # too long
    assert classes.normalise_code("ABCD10") is None  # 1 and 0 are never in a code
    assert classes.normalise_code("") is None


@pytest.mark.django_db
def test_a_clashing_code_is_drawn_again(educator, monkeypatch):
    first = classes.create_classroom(educator, "First")
    draws = iter([first.join_code, first.join_code, "XYZ789"])
    monkeypatch.setattr(classes, "new_join_code", lambda: next(draws))
    second = classes.create_classroom(educator, "Second")
    assert second.join_code == "XYZ789"
    assert Classroom.objects.count() == 2


@pytest.mark.django_db
def test_regenerating_the_code_retires_the_old_one_and_keeps_the_members(educator, learner):
    classroom = make_classroom(educator, [learner])
    old = classroom.join_code
    new = classes.regenerate_code(classroom)
    assert new != old and Classroom.objects.get().join_code == new
    assert classes.find_classroom(old) is None
    assert classes.find_classroom(new.lower()) == classroom
    assert Membership.objects.filter(classroom=classroom, user=learner).exists()


# -- joining and leaving ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_joining_twice_makes_one_membership(educator, learner):
    classroom = make_classroom(educator)
    assert classes.join(learner, classroom) is True
    assert classes.join(learner, classroom) is False
    assert Membership.objects.filter(user=learner).count() == 1


@pytest.mark.django_db
def test_the_educator_cannot_join_their_own_class(educator):
    classroom = make_classroom(educator)
    with pytest.raises(classes.JoinError, match="You teach this class"):
        classes.join(educator, classroom)
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_removing_a_learner_keeps_their_attempts(educator, learner, practice_quiz):
    classroom = make_classroom(educator, [learner], [practice_quiz])
    attempt = make_scored_attempt(learner, practice_quiz, [1])
    assert classes.remove_member(classroom, learner.pk) is True
    assert classes.remove_member(classroom, learner.pk) is False
    assert Attempt.objects.filter(pk=attempt.pk).exists()


@pytest.mark.django_db
def test_a_quiz_is_assigned_to_a_class_once(educator, practice_quiz):
    classroom = make_classroom(educator, quizzes=[practice_quiz])
    with pytest.raises(classes.AlreadyAssigned, match="already assigned"):
        classes.assign(classroom, practice_quiz, None)
    assert classroom.assignments.count() == 1


# -- where an assignment stands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "first_finished", "in_progress", "expected"),
    [
        (None, None, False, Status.TO_DO),
        (NOW + DAY, None, False, Status.TO_DO),
        (NOW + DAY, None, True, Status.IN_PROGRESS),
        (NOW - DAY, None, False, Status.OVERDUE),
        (NOW - DAY, None, True, Status.OVERDUE),
        (NOW + DAY, NOW - DAY, False, Status.DONE),
        (None, NOW - DAY, True, Status.DONE),
        (NOW - 2 * DAY, NOW - DAY, False, Status.DONE_LATE),
    ],
)
def test_assignment_status(due, first_finished, in_progress, expected):
    assert assignment_status(due, first_finished, in_progress, NOW) == expected


@pytest.mark.django_db
def test_a_learner_sees_their_classes_assignments_and_only_their_own_results(
    educator, learner, other_learner, bank, practice_quiz, exam_quiz
):
    classroom = make_classroom(educator, [learner, other_learner], [practice_quiz])
    classes.assign(classroom, exam_quiz, NOW - DAY)
    make_classroom(educator, [other_learner], [practice_quiz], name="Not mine")
    make_scored_attempt(learner, practice_quiz, [1, 0], finished_at=NOW - 2 * DAY)
    make_scored_attempt(learner, practice_quiz, [1, 1], finished_at=NOW - 3 * DAY)
    make_scored_attempt(other_learner, exam_quiz, [1, 1])  # another learner's: changes nothing for ada

    [entry] = classes.learner_classes(learner, NOW)
    assert entry.classroom == classroom
    by_quiz = {a.assignment.quiz: a for a in entry.assignments}
    practice, exam = by_quiz[practice_quiz], by_quiz[exam_quiz]
    assert practice.status == Status.DONE and practice.done
    assert practice.best_percent == pytest.approx(100 * 2 / practice_quiz_max(practice_quiz))
    assert exam.status == Status.OVERDUE and exam.best_percent is None
    assert practice.available and exam.available


def practice_quiz_max(quiz) -> float:
    return sum(q.current_version.max_points for q in quiz.bank.questions.order_by("pk")[:2])


@pytest.mark.django_db
def test_learner_classes_takes_four_queries_whatever_the_number(
    educator, learner, bank, django_assert_num_queries
):
    for n in range(4):
        make_classroom(educator, [learner], list(bank.quizzes.all()), name=f"Class {n}")
    with django_assert_num_queries(4):  # classes, assignments, attempts, close times of the learner's own
        found = classes.learner_classes(learner, NOW)
    assert len(found) == 4 and all(len(c.assignments) == 2 for c in found)


# -- the gradebook ----------------------------------------------------------------------------------------


@pytest.fixture
def course(educator, learner, other_learner):
    """A class of ada, grace and ida with the practice quiz (pass mark 50%, due yesterday) and the exam."""
    bank = make_owned_bank(educator, 6)
    practice, exam = bank.quizzes.get(slug="practice"), bank.quizzes.get(slug="exam")
    practice.pass_mark_percent = 50
    practice.save()
    ida = make_user("ida")
    classroom = make_classroom(educator, [learner, other_learner, ida])
    classes.assign(classroom, practice, NOW - DAY)
    classes.assign(classroom, exam, None)
    return classroom, practice, exam, ida


def attempt_at(user, quiz, points: list, when):
    return make_scored_attempt(user, quiz, points, finished_at=when)


@pytest.mark.django_db
def test_each_cell_holds_the_best_or_the_last_finished_score(course, learner):
    classroom, practice, _, _ = course
    # practice items: SATA (2 marks), true/false (1): max 3
    best = attempt_at(learner, practice, [2, 1], NOW - 3 * DAY)  # 100%, on time
    last = attempt_at(learner, practice, [1, 0], NOW - 2 * DAY)  # 33%
    book = gradebook.build(classroom, pick=Pick.BEST, now=NOW)
    cell = book.rows[0].cells[0]
    assert (cell.percent, cell.code, cell.attempts, cell.status) == (100.0, best.code, 2, CellStatus.PASSED)
    assert cell.label == "Passed"
    cell = gradebook.build(classroom, pick=Pick.LAST, now=NOW).rows[0].cells[0]
    assert (cell.percent, cell.code, cell.status) == (
        pytest.approx(100 / 3),
        last.code,
        CellStatus.NOT_PASSED,
    )


@pytest.mark.django_db
def test_cells_without_a_score_say_why(course, learner, other_learner):
    classroom, practice, exam, ida = course
    unfinished = attempt_at(other_learner, exam, [1, 1], NOW)
    Attempt.objects.filter(pk=unfinished.pk).update(finished_at=None)
    attempt_at(ida, practice, [2, 1], NOW - DAY / 2)  # after the due date
    book = gradebook.build(classroom, pick=Pick.BEST, now=NOW)
    cells = {row.learner.username: [c.status for c in row.cells] for row in book.rows}
    assert cells == {
        "ada": [CellStatus.OVERDUE, CellStatus.NOT_STARTED],
        "grace": [CellStatus.OVERDUE, CellStatus.IN_PROGRESS],
        "ida": [CellStatus.PASSED, CellStatus.NOT_STARTED],
    }
    assert book.rows[2].cells[0].label == "Passed (late)"


@pytest.mark.django_db
def test_averages_per_learner_and_per_quiz_count_finished_quizzes_only(course, learner, other_learner):
    classroom, practice, exam, _ = course
    attempt_at(learner, practice, [2, 1], NOW - 2 * DAY)  # 100
    attempt_at(learner, exam, [1, 0, 0, 0, 0], NOW - DAY)  # 1 of 7 marks (items 1 and 4 are SATA, worth 2)
    attempt_at(other_learner, practice, [0, 0], NOW - 2 * DAY)  # 0
    book = gradebook.build(classroom, pick=Pick.BEST, now=NOW)
    ada, grace, ida = book.rows
    assert ada.average == pytest.approx((100 + 100 / 7) / 2)
    assert (grace.average, grace.done) == (0.0, 1)
    assert (ida.average, ida.done) == (None, 0)
    assert book.quiz_averages == [pytest.approx(50.0), pytest.approx(100 / 7)]


@pytest.mark.django_db
def test_another_class_or_a_quiz_not_assigned_stays_out(course, educator, learner):
    classroom, practice, _, _ = course
    other_bank = make_owned_bank(educator, 4, slug="elsewhere")
    attempt_at(learner, other_bank.quizzes.get(slug="practice"), [1], NOW)  # not assigned to the class
    outsider = make_user("outsider")
    attempt_at(outsider, practice, [2, 1], NOW)  # not in the class
    book = gradebook.build(classroom, pick=Pick.BEST, now=NOW)
    assert [r.learner.username for r in book.rows] == ["ada", "grace", "ida"]
    assert [a.quiz for a in book.assignments] == [practice, classroom.assignments.last().quiz]
    assert all(c.percent is None for r in book.rows for c in r.cells)


@pytest.mark.django_db
def test_sorting_by_a_column_puts_learners_without_a_score_last(course, learner, other_learner):
    classroom, practice, _, _ = course
    attempt_at(learner, practice, [1, 0], NOW)
    attempt_at(other_learner, practice, [2, 1], NOW)
    book = gradebook.build(classroom, pick=Pick.BEST, now=NOW)
    key = f"q{book.assignments[0].pk}"
    assert gradebook.sort_keys(book) == ["learner", key, f"q{book.assignments[1].pk}", "average"]

    def names(sort, descending=False):
        return [r.learner.username for r in gradebook.sort_rows(book, sort, descending=descending)]

    assert names(key) == ["ada", "grace", "ida"]
    assert names(key, descending=True) == ["grace", "ada", "ida"]
    assert names("average", descending=True) == ["grace", "ada", "ida"]
    assert names("learner", descending=True) == ["ida", "grace", "ada"]


@pytest.mark.django_db
def test_the_csv_rows_hold_scores_or_statuses_and_defuse_formulas(course, learner):
    classroom, practice, exam, _ = course
    exam.title = "=HYPERLINK(1)"
    exam.save()
    attempt_at(learner, practice, [2, 1], NOW - 2 * DAY)
    sneaky = make_user("+cmd")
    Membership.objects.create(classroom=classroom, user=sneaky)
    book = gradebook.build(classroom, pick=Pick.BEST, now=NOW)
    rows = list(gradebook.csv_rows(book, gradebook.sort_rows(book, "learner")))
    assert rows[0] == ["learner", "Practice quiz", "'=HYPERLINK(1)", "average"]
    assert rows[1] == ["'+cmd", "overdue", "not started", ""]
    assert rows[2] == ["ada", "100.0", "not started", "100.0"]
    assert rows[-1] == ["quiz average", "100.0", "", ""]


@pytest.mark.django_db
def test_the_gradebook_takes_five_queries_for_one_learner_or_fifty(educator, bank, django_assert_num_queries):
    quizzes = list(bank.quizzes.all())
    small = make_classroom(educator, [make_user("solo")], quizzes, name="Small")
    crowd = [make_user(f"learner-{n:02d}") for n in range(50)]
    large = make_classroom(educator, crowd, quizzes, name="Large")
    for user, points in zip(crowd, cycle([[2, 1], [0, 1], [1, 0]]), strict=False):
        for quiz in quizzes:
            attempt_at(user, quiz, points, NOW)
    for classroom in (small, large):
        # members, assignments, picked attempts, attempts under way, accommodations
        with django_assert_num_queries(5):
            book = gradebook.build(classroom, pick=Pick.BEST, now=NOW)
            gradebook.sort_rows(book, "average")
            list(gradebook.csv_rows(book, book.rows))
    assert len(book.rows) == 50 and all(c.percent is not None for r in book.rows for c in r.cells)
