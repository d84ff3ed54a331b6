"""The educator's home: their classes, what is due this week, how each assignment stands, who is behind,
and the items the analysis flags; each a link to act on it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.authoring import quality
from quizzes.taking import attempts
from tests.conftest import make_classroom, make_owned_bank, make_scored_attempt, make_user
from tests.taking.test_taking_views import queries

pytestmark = pytest.mark.django_db

HOME = reverse("quizzes:home")


def test_the_home_page_shows_each_class_and_where_its_assignments_stand(
    client, educator, learner, other_learner
):
    bank = make_owned_bank(educator)
    practice, exam = bank.quizzes.get(slug="practice"), bank.quizzes.get(slug="exam")
    now = timezone.now()
    classroom = make_classroom(educator, [learner, other_learner], [], name="Neuro nursing")
    from quizzes.teaching import classes

    due_soon = classes.assign(classroom, practice, now + timedelta(days=2))
    classes.assign(classroom, exam, now - timedelta(days=1))
    make_scored_attempt(learner, practice, [1, 0])  # finished, with a score
    attempts.start_attempt(other_learner, exam)  # under way, past the due date: overdue

    client.force_login(educator)
    page = client.get(HOME).content.decode()
    assert "Welcome back, florence" in page and "You have not tried" not in page
    assert reverse("quizzes:class-detail", args=[classroom.pk]) in page and "2 learners" in page
    assert "Due this week:" in page and due_soon.quiz.title in page

    def row(quiz) -> str:
        start = page.index(f'>{quiz.title}<span class="visually-hidden">: item analysis')
        return page[start : page.index("</tr>", start)]

    practice_row = row(practice)
    assert "1 of 2" in practice_row and "%" in practice_row and "grace" in practice_row  # not started
    exam_row = row(exam)
    assert (
        "0 of 2" in exam_row and "<strong>ada</strong>" in exam_row and "<strong>grace</strong>" in exam_row
    )
    assert reverse("quizzes:assignment-overrides", args=[classroom.assignments.get(quiz=exam).pk]) in exam_row
    assert reverse("quizzes:class-gradebook", args=[classroom.pk]) in page


def test_a_learner_keeps_the_learner_dashboard(learner_client):
    page = learner_client.get(HOME).content.decode()
    assert "Items the analysis flags" not in page


def test_an_educator_with_no_class_is_offered_to_make_one(client, educator):
    client.force_login(educator)
    page = client.get(HOME).content.decode()
    assert "No classes yet" in page and reverse("quizzes:class-create") in page
    assert "Add your e-mail address on" in page  # educators need one
    educator.email = "florence@example.org"
    educator.save()
    assert "Add your e-mail address on" not in client.get(HOME).content.decode()


def class_answering(educator, size: int, marks: list):
    """A class of `size` learners who each finished the practice quiz with these marks; its bank."""
    bank = make_owned_bank(educator)
    practice = bank.quizzes.get(slug="practice")
    learners = [make_user(f"l{n}") for n in range(size)]
    make_classroom(educator, learners, [practice])
    for user in learners:
        make_scored_attempt(user, practice, marks)
    return bank


def test_items_the_analysis_flags_link_to_the_question(client, educator):
    bank = class_answering(educator, 5, [0, 1, 0.5])  # q-1 always wrong, q-2 always right
    client.force_login(educator)
    page = client.get(HOME).content.decode()
    first, second = bank.questions.order_by("pk")[:2]
    assert reverse("quizzes:question-edit", args=[first.pk]) in page and "Too hard" in page
    assert reverse("quizzes:question-edit", args=[second.pk]) in page and "Too easy" in page
    assert "(5 answers)" in page


def test_too_few_answers_flag_nothing(client, educator):
    class_answering(educator, 4, [0, 1])
    client.force_login(educator)
    assert "None: no item of your assigned quizzes" in client.get(HOME).content.decode()


def test_the_home_page_makes_the_same_queries_whatever_the_classes_and_quizzes(client, educator):
    client.force_login(educator)
    bank = make_owned_bank(educator)
    quizzes = list(bank.quizzes.all())
    counts = []
    for round_ in range(2):
        # each round: two more classes of three learners with both quizzes, attempts by each learner
        for n in range(2):
            learners = [make_user(f"r{round_}-c{n}-l{k}") for k in range(3)]
            make_classroom(educator, learners, quizzes, name=f"R{round_} C{n}", due_at=timezone.now())
            for user in learners:
                make_scored_attempt(user, quizzes[0], [1, 0])
        # and more questions needing review: a bank with warnings on every question, one dismissed
        more = make_owned_bank(educator, slug=f"more-{round_}")
        for question in more.questions.select_related("current_version", "topic"):
            version = with_option(question, "None of the above")
        quality.dismiss(version, "all-none-of-the-above", "Fine.", user=educator)
        # groups (educator?), classes, assignments, memberships with users, attempts counted,
        # the item analysis's six, and the questions needing review with their dismissals
        counts.append(queries(client, "get", HOME))
    assert counts[0] == counts[1] == 13


# -- questions needing review -----------------------------------------------------------------------------


def with_option(question, text: str):
    """A new current version of `question` (a choice item) whose first wrong option reads `text`."""
    from dataclasses import replace

    from quizzes.authoring.editing import QuestionDraft
    from quizzes.formats.database import new_version

    old = question.current_version
    data = QuestionDraft.from_version(old, question.topic).data(question.key)
    spec = {**data.spec, "options": [dict(o) for o in data.spec["options"]]}
    next(o for o in spec["options"] if not o["correct"])["text"] = text
    return new_version(question, replace(data, spec=spec), old.number + 1)


def needing_review(page: str) -> str:
    start = page.index('id="to-review-heading"')
    return page[start : page.index("</section>", start)]


def test_a_warning_nobody_dismissed_puts_the_question_up_for_review(client, educator):
    from quizzes.authoring import quality

    bank = make_owned_bank(educator)
    for question in bank.questions.all():  # start from a bank with no warning left
        for check in question.current_version.warnings:
            quality.dismiss(question.current_version, check, "Fine here.", user=educator)
    client.force_login(educator)
    assert "None: no warning is left" in client.get(HOME).content.decode()

    question = bank.questions.select_related("current_version", "topic").order_by("pk").first()
    version = with_option(question, "None of the above")
    assert "all-none-of-the-above" in version.warnings  # worked out when the version was saved
    section = needing_review(client.get(HOME).content.decode())
    assert reverse("quizzes:question-edit", args=[question.pk]) in section
    assert "“All/none of the above”" in section and question.key in section

    quality.dismiss(version, "all-none-of-the-above", "The sheet's own wording.", user=educator)
    assert "None: no warning is left" in client.get(HOME).content.decode()


def test_a_question_whose_cited_passage_changed_is_up_for_review_until_confirmed(client, educator):
    from quizzes.models import Question
    from quizzes.sources.editing import create_source, revise
    from quizzes.sources.revisions import confirm
    from quizzes.sources.text import split

    bank = make_owned_bank(educator)
    Question.objects.filter(bank=bank).update(status=Question.Status.ARCHIVED)
    question = bank.questions.order_by("pk").first()
    Question.objects.filter(pk=question.pk).update(status=Question.Status.ACTIVE)
    source = create_source(bank, "Sheet", split("# Cause\n\nThe cause of MMN is unknown."))
    question.current_version.citations.create(passage=source.current_version.passages.get())
    client.force_login(educator)
    revise(source, split("# Cause\n\nThe cause of MMN is not known."))
    section = needing_review(client.get(HOME).content.decode())
    assert reverse("quizzes:question-edit", args=[question.pk]) in section
    assert "1 cited passage changed in a newer source version" in section
    confirm(Question.objects.get(pk=question.pk))
    section = needing_review(client.get(HOME).content.decode())
    assert "cited passage changed" not in section


def test_only_the_educators_own_active_questions_need_their_review(client, educator):
    from quizzes.models import Question

    theirs = make_owned_bank(make_user("other-teacher", "Educator"), slug="theirs")
    question = theirs.questions.select_related("current_version", "topic").order_by("pk").first()
    with_option(question, "None of the above")
    mine = make_owned_bank(educator)
    archived = mine.questions.select_related("current_version", "topic").order_by("pk").first()
    with_option(archived, "All of the above")
    Question.objects.filter(pk=archived.pk).update(status=Question.Status.ARCHIVED)
    client.force_login(educator)
    section = needing_review(client.get(HOME).content.decode())
    assert reverse("quizzes:question-edit", args=[question.pk]) not in section
    assert reverse("quizzes:question-edit", args=[archived.pk]) not in section


def test_the_home_lists_the_first_questions_and_counts_the_rest(client, educator):
    from quizzes.teaching import overview

    bank = make_owned_bank(educator, questions=24)
    for question in bank.questions.select_related("current_version", "topic"):
        with_option(question, "None of the above")  # trips the check in every single-answer item
    warned = bank.questions.exclude(current_version__warnings=[]).count()
    assert warned > overview.REVIEW_SHOWN
    found = overview.questions_needing_review(educator)
    assert found.total == warned and len(found.shown) == overview.REVIEW_SHOWN
    client.force_login(educator)
    assert f"The first {overview.REVIEW_SHOWN} of {warned}." in client.get(HOME).content.decode()


def test_the_home_reads_a_bounded_number_of_questions_and_says_at_least(client, educator, monkeypatch):
    from quizzes.teaching import overview

    bank = make_owned_bank(educator, questions=24)
    for question in bank.questions.select_related("current_version", "topic"):
        with_option(question, "None of the above")
    warned = bank.questions.exclude(current_version__warnings=[]).count()
    monkeypatch.setattr(overview, "REVIEW_READ", warned - 2)
    found = overview.questions_needing_review(educator)
    assert found.more and found.total == warned - 2 and len(found.shown) == overview.REVIEW_SHOWN
    client.force_login(educator)
    assert f"The first {overview.REVIEW_SHOWN} of at least {warned - 2}." in client.get(HOME).content.decode()
    monkeypatch.setattr(overview, "REVIEW_READ", warned)
    assert not overview.questions_needing_review(educator).more


def test_the_stored_warnings_are_worked_out_for_existing_versions_by_the_migration(educator):
    from importlib import import_module

    from django.apps import apps

    from quizzes.models import QuestionVersion

    bank = make_owned_bank(educator)
    version = with_option(
        bank.questions.select_related("current_version", "topic").order_by("pk").first(), "None of the above"
    )
    QuestionVersion.objects.update(warnings=[])  # as every version stood before the migration
    import_module("quizzes.migrations.0016_version_warnings").check_current_versions(apps, None)
    assert "all-none-of-the-above" in QuestionVersion.objects.get(pk=version.pk).warnings
