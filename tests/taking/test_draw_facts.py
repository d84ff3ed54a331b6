"""Issue 18: quizzes never draw twice the same fact. Two questions whose first citations are the same passage
of the source test one fact; an attempt (and a live session) takes one of them at most."""

import json
from collections import Counter

import pytest
from django.urls import reverse

from quizzes.demo import MMN_BANK, load_mmn_bank
from quizzes.formats.bankfile import BankData, PassageData, QuizData, SourceData
from quizzes.formats.database import import_bank
from quizzes.live import sessions
from quizzes.models import Question, QuestionVersion, Quiz
from quizzes.taking import attempts
from tests.authoring.test_authoring_quizzes import quiz_post
from tests.conftest import make_bank, question_data
from tests.taking.test_taking_views import queries

pytestmark = pytest.mark.django_db

SECTION = "What is Multifocal Motor Neuropathy (MMN)?"


def cited_bank(*, slug: str = "cited", owner=None, count: int = 5):
    """Six questions on five facts: q-001 and q-002 both cite passage p1 first (q-002 cites p2 after it)."""
    cites = {1: ["p1"], 2: ["p1", "p2"], 3: ["p2", "p1"], 4: ["p3"], 5: ["p4"], 6: []}
    questions = []
    for number, cited in cites.items():
        q = question_data(number, "alpha", "single")
        q.cites = [f"sheet#{p}" for p in cited]
        questions.append(q)
    passages = [PassageData(f"p{n}", SECTION, f"Passage {n} of the sheet.") for n in range(1, 5)]
    data = BankData(
        slug=slug,
        title="Cited",
        topics=[("alpha", "Alpha")],
        questions=questions,
        sources=[SourceData("sheet", "The sheet", 1, passages)],
        quizzes=[QuizData("practice", "Practice", "practice", count, [], None)],
    )
    return import_bank(data, owner=owner).bank


def keys_of(version_ids: list[int]) -> list[str]:
    keys = dict(QuestionVersion.objects.filter(pk__in=version_ids).values_list("pk", "question__key"))
    return [keys[v] for v in version_ids]


def test_an_attempt_never_gets_two_questions_that_cite_the_same_passage_first(learner):
    quiz = cited_bank().quizzes.get(slug="practice")
    seen = Counter()
    for seed in range(150):
        drawn = keys_of([v.pk for v in attempts.preview_versions(quiz, seed)])
        assert len(drawn) == 5 and not {"q-001", "q-002"} <= set(drawn), (seed, drawn)
        seen.update(drawn)
    assert seen["q-001"] and seen["q-002"]  # either may stand for the fact
    assert seen["q-003"] == 150  # q-003 cites p1 too, but second: its fact is p2
    attempt = attempts.start_attempt(learner, quiz, seed=7)
    slots = list(attempt.slots.values_list("version_id", flat=True))
    assert slots == [v.pk for v in attempts.preview_versions(quiz, 7)]


def test_a_live_session_draws_one_question_per_fact_too(educator):
    quiz = cited_bank(owner=educator).quizzes.get(slug="practice")
    for seed in range(30):
        session = sessions.start_session(educator, quiz, seed=seed)
        assert not {"q-001", "q-002"} <= set(keys_of(session.version_ids))


def test_a_quiz_asking_for_more_than_its_facts_repeats_a_fact_only_when_it_must(learner):
    quiz = cited_bank(count=6).quizzes.get(slug="practice")  # saved before the builder counted facts
    for seed in range(20):
        assert sorted(keys_of([v.pk for v in attempts.preview_versions(quiz, seed)])) == [
            f"q-00{n}" for n in range(1, 7)
        ]


def test_the_shipped_mmn_quizzes_drawn_200_times_never_repeat_a_first_cited_passage():
    load_mmn_bank()
    # The bank file's own word on each question's main point, not the database's.
    first = {q["key"]: q["cites"][0] for q in json.loads(MMN_BANK.read_text(encoding="utf-8"))["questions"]}
    quizzes = list(Quiz.objects.filter(bank__slug="mmn"))
    assert len(quizzes) == 7
    for quiz in quizzes:
        rows = attempts.quiz_questions(quiz)
        keys = dict(Question.objects.filter(bank__slug="mmn").values_list("current_version_id", "key"))
        for seed in range(200):
            drawn = [keys[v] for v in attempts.draw(quiz, rows, seed)]
            assert len(drawn) == quiz.question_count, quiz.slug  # the full length, never cut short
            passages = Counter(first[k] for k in drawn)
            assert passages.most_common(1)[0][1] == 1, (quiz.slug, seed, passages.most_common(2))


def test_starting_an_attempt_takes_eight_queries_whatever_the_bank_and_its_citations(client, learner):
    client.force_login(learner)
    small = make_bank(10, slug="s10").quizzes.get(slug="practice")
    large = make_bank(500, slug="s500").quizzes.get(slug="practice")
    load_mmn_bank()
    exam = Quiz.objects.get(bank__slug="mmn", slug="exam")  # 120 questions, each citing passages
    # quiz, accommodations, the user row locked, the learner's open attempt, the quiz's topics,
    # the questions with their first-cited passages (subqueries of one query), insert attempt, insert slots.
    # The same as before attempts drew by fact (session and user come from the cache).
    counts = [
        queries(client, "post", reverse("quizzes:attempt-start", args=[q.pk])) for q in (small, large, exam)
    ]
    assert counts == [8, 8, 8]


def test_the_builder_refuses_a_draw_larger_than_the_facts_the_topics_test(educator_client, educator):
    bank = cited_bank(owner=educator)
    url = reverse("quizzes:quiz-create", args=[bank.slug])
    response = educator_client.post(url, quiz_post(question_count="6"))
    assert response.status_code == 200
    assert "The bank holds 6 active questions but they test 5 facts" in response.content.decode()
    assert "draw at most 5, or tick more topics." in response.content.decode()
    assert educator_client.post(url, quiz_post(question_count="5")).status_code == 302


def test_a_question_citing_an_older_version_of_the_passage_tests_the_same_fact(educator_bank):
    from quizzes.sources.editing import create_source, revise
    from quizzes.sources.text import split

    sheet = "# Cause\n\nThe cause of MMN is unknown. Men are affected three times as often as women."
    source = create_source(educator_bank, "Sheet", split(sheet))
    old, new = source.current_version, revise(source, split(sheet.replace("three", "about three")))
    first, second = educator_bank.questions.order_by("id")[:2]
    first.current_version.citations.create(passage=old.passages.get(key="cause-02"))
    second.current_version.citations.create(passage=new.passages.get(key="cause-02"))
    quiz = Quiz.objects.create(bank=educator_bank, title="Draw", question_count=11)  # 12 questions, 11 facts
    for seed in range(40):
        drawn = {v.pk for v in attempts.preview_versions(quiz, seed)}
        assert len(drawn) == 11
        assert not {first.current_version_id, second.current_version_id} <= drawn, seed


def test_the_mmn_exam_draws_from_every_topic_and_across_clinical_judgment_steps():
    load_mmn_bank()
    exam = Quiz.objects.get(bank__slug="mmn", slug="exam")
    rows = attempts.quiz_questions(exam)
    topics = {row.version_id: row.topic_id for row in rows}
    steps = {row.version_id: row.step for row in rows}
    every_topic = set(topics.values())
    for seed in range(100):
        drawn = attempts.draw(exam, rows, seed)
        assert {topics[v] for v in drawn} == every_topic, seed
        used = Counter(steps[v] for v in drawn)
        assert len(used) >= 5 and max(used.values()) <= len(drawn) // 2, (seed, used)
