"""The rules of changing a bank (quizzes.authoring.editing), without requests: versions, archive, delete,
move."""

from dataclasses import replace

import pytest

from quizzes.authoring import editing
from quizzes.models import Bank, Question, QuestionVersion
from quizzes.taking import attempts
from tests.conftest import make_bank

pytestmark = pytest.mark.django_db


def draft(topic, **changes) -> editing.QuestionDraft:
    values = {
        "item_type": "multiple",
        "topic": topic,
        "difficulty": "easy",
        "stem": "Which are signs of MMN?",
        "explanation": "Weakness without numbness.",
        "source_section": "Signs and symptoms",
        "spec": {
            "options": [
                {"text": "Hand weakness", "correct": True, "rationale": "The classic sign."},
                {"text": "Cramps", "correct": True, "rationale": "Common."},
                {"text": "Numbness", "correct": False, "rationale": "Sensation is spared."},
            ]
        },
    }
    return editing.QuestionDraft(**(values | changes))


@pytest.fixture
def topic(educator_bank):
    return educator_bank.topics.first()


@pytest.fixture
def question(educator_bank, topic, educator) -> Question:
    return editing.create_question(educator_bank, draft(topic), author=educator)


def test_a_new_question_gets_version_1_and_a_key_from_its_stem(question, educator):
    version = question.current_version
    assert question.key == "which-are-signs-of-mmn"
    assert (version.number, version.created_by, version.max_points) == (1, educator, 2.0)
    assert all(option["id"] for option in version.spec["options"])


def test_keys_and_slugs_stay_unique_and_fit_bank_files(educator_bank, topic, educator):
    again = editing.create_question(educator_bank, draft(topic), author=educator)
    third = editing.create_question(educator_bank, draft(topic), author=educator)
    odd = editing.create_question(educator_bank, draft(topic, stem="¿¡ ***"), author=educator)
    assert [q.key for q in (again, third)] == ["which-are-signs-of-mmn", "which-are-signs-of-mmn-2"]
    assert odd.key == "question"
    bank = editing.create_bank(educator, title="New")
    assert bank.slug == "new-2" and not bank.is_published and bank.owner == educator


def test_an_edit_is_a_new_version_and_the_old_one_is_untouched(question, topic, educator):
    first = question.current_version
    version = editing.edit_question(
        question, draft(topic, stem="Which are **early** signs?"), author=educator
    )
    question.refresh_from_db()
    assert version.number == 2 and question.current_version == version
    assert QuestionVersion.objects.get(pk=first.pk).stem == "Which are signs of MMN?"


def test_saving_the_same_content_makes_no_version(question, topic, educator):
    assert editing.edit_question(question, draft(topic), author=educator) is None
    assert question.versions.count() == 1


def test_moving_topic_alone_is_not_a_new_version(question, educator_bank, educator):
    other = editing.create_topic(educator_bank, "Treatment options")
    assert editing.edit_question(question, draft(other), author=educator) is None
    question.refresh_from_db()
    assert question.topic == other and question.versions.count() == 1


def test_an_edit_from_an_outdated_version_is_refused(question, topic, educator):
    editing.edit_question(question, draft(topic, stem="Changed by a colleague?"), author=educator)
    with pytest.raises(editing.EditConflict) as conflict:
        editing.edit_question(question, draft(topic, stem="My change?"), author=educator, base_version=1)
    assert conflict.value.current.number == 2
    question.refresh_from_db()
    assert question.current_version.stem == "Changed by a colleague?"


def test_restore_makes_the_old_content_current_as_a_new_version(question, topic, educator):
    editing.edit_question(question, draft(topic, stem="Second wording?"), author=educator)
    first = question.versions.get(number=1)
    restored = editing.restore_version(question, first, author=educator)
    assert restored.number == 3
    assert restored.content_hash == first.content_hash and restored.stem == first.stem
    assert editing.restore_version(question, first, author=educator) is None  # already current


def test_attempts_keep_their_versions_so_scores_never_change(learner, educator):
    bank = make_bank(6, slug="scored")
    attempt = attempts.start_attempt(learner, bank.quizzes.get(slug="practice"))
    slot = next(s for s in attempt.slots.select_related("version") if s.version.item_type == "multiple")
    old = slot.version
    attempts.record_answer(
        attempt, slot.number, old.item.answer_form(old.spec, old.item.key_answer(old.spec))
    )
    attempts.finish_attempt(attempt)
    score = (attempt.points, attempt.max_points)
    assert attempt.points == old.max_points

    # The author rewrites the question: new wording, and the keys and distractors swap places.
    question = old.question
    content = old.item.content(old.spec)
    flipped = {"options": [o | {"correct": not o["correct"]} for o in content["options"]]}
    change = replace(
        editing.QuestionDraft.from_version(old, question.topic), stem="New wording?", spec=flipped
    )
    assert editing.edit_question(question, change, author=educator).number == 2

    attempt.refresh_from_db()
    slot.refresh_from_db()
    assert (attempt.points, attempt.max_points) == score
    assert slot.version == old
    result = next(i for i in attempts.results(attempt).items if i.slot.pk == slot.pk)
    assert result.slot.version.stem == old.stem and result.grade.is_correct


def test_an_invalid_draft_is_refused_even_without_a_form(educator_bank, topic, educator, question):
    no_key = {"options": [o | {"correct": False} for o in draft(topic).spec["options"]]}
    with pytest.raises(editing.InvalidQuestion, match="needs at least one correct option"):
        editing.create_question(educator_bank, draft(topic, spec=no_key), author=educator)
    with pytest.raises(editing.InvalidQuestion):
        editing.edit_question(question, draft(topic, spec=no_key), author=educator)
    assert question.versions.count() == 1


def test_a_question_nobody_has_seen_can_be_deleted(question):
    assert not editing.in_use(question)
    editing.delete_question(question)
    assert not Question.objects.filter(pk=question.pk).exists()
    assert not QuestionVersion.objects.filter(question_id=question.pk).exists()


def test_a_question_given_in_an_attempt_is_archived_not_deleted(learner, educator):
    bank = make_bank(3, slug="seen")
    attempt = attempts.start_attempt(learner, bank.quizzes.get(slug="practice"))
    question = attempt.slots.get(number=1).version.question  # shown, not even answered
    assert editing.in_use(question)
    with pytest.raises(editing.QuestionInUse):
        editing.delete_question(question)
    editing.set_status(question, Question.Status.ARCHIVED)
    assert Question.objects.get(pk=question.pk).status == Question.Status.ARCHIVED


def test_archived_questions_are_not_drawn_by_new_attempts(learner, other_learner):
    bank = make_bank(4, slug="arch")
    archived = bank.questions.get(key="q-001")
    editing.set_status(archived, Question.Status.ARCHIVED)
    attempt = attempts.start_attempt(learner, bank.quizzes.get(slug="practice"))
    assert attempt.slot_count == 3
    assert not attempt.slots.filter(version__question=archived).exists()


def test_move_questions_moves_only_this_banks_questions(educator_bank, educator):
    target = editing.create_topic(educator_bank, "Elsewhere")
    other_bank = make_bank(2, slug="other")
    ids = list(educator_bank.questions.values_list("pk", flat=True)[:3]) + [other_bank.questions.first().pk]
    assert editing.move_questions(educator_bank, ids, target) == 3
    assert target.questions.count() == 3
    assert other_bank.questions.first().topic.bank == other_bank
    with pytest.raises(ValueError, match="another bank"):
        editing.move_questions(other_bank, ids, target)


def test_topics_go_to_the_end_and_only_unused_ones_are_deleted(educator_bank):
    last = educator_bank.topics.order_by("-position").first()
    topic = editing.create_topic(educator_bank, "Alpha")
    assert topic.slug == "alpha-2" and topic.position == last.position + 1
    with pytest.raises(editing.TopicInUse, match="still has questions"):
        editing.delete_topic(educator_bank.topics.get(slug="alpha"))
    quiz = educator_bank.quizzes.first()
    quiz.topics.add(topic)
    with pytest.raises(editing.TopicInUse, match=quiz.title):
        editing.delete_topic(topic)
    quiz.topics.clear()
    editing.delete_topic(topic)
    assert not educator_bank.topics.filter(pk=topic.pk).exists()


def test_a_bank_slug_never_takes_the_new_bank_page_address(educator):
    assert editing.create_bank(educator, title="New").slug == "new-2"
    assert Bank.objects.filter(slug="new").count() == 0
