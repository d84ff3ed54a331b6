"""The source pages: reading (learners), adding, revising, coverage, passages, and the editor's citations."""

import pytest
from django.urls import reverse

from quizzes.models import Citation, NeedsReview, Passage, Question, Source
from quizzes.sources.editing import create_source
from quizzes.sources.text import split
from quizzes.taking import attempts
from tests.conftest import make_owned_bank
from tests.sources.documents import encrypted_pdf, make_docx, make_pdf
from tests.taking.test_taking_views import HTMX, answer, item_url, key_ids

pytestmark = pytest.mark.django_db

SHEET = (
    "# Cause\n\nThe cause of MMN is unknown. Men are affected three times as often as women.\n\n"
    "# Treatment\n\nIVIG helps most patients."
)


def url(name, *args):
    return reverse(f"quizzes:{name}", args=args)


def cite_all(bank, key="cause-01") -> Source:
    """A source for `bank` whose passage `key` every question cites."""
    source = create_source(bank, "The fact sheet", split(SHEET))
    passage = source.current_version.passages.get(key=key)
    Citation.objects.bulk_create(
        [Citation(question_version=q.current_version, passage=passage) for q in bank.questions.all()]
    )
    return source


# -- learners see the source ---------------------------------------------------------------------------------


def test_practice_feedback_quotes_the_cited_passage_only_after_answering(learner_client, practice):
    source = cite_all(practice.quiz.bank)
    before = learner_client.get(item_url(practice, 1)).content.decode()
    assert "The cause of MMN is unknown." not in before
    html = answer(learner_client, practice, 1, key_ids(practice, 1), **HTMX).content.decode()
    assert "From <cite>The fact sheet</cite>:" in html
    assert "<p>The cause of MMN is unknown.</p>" in html
    link = url("source-read", source.current_version_id) + "?passage=cause-01#passage-cause-01"
    assert f'href="{link}"' in html


def test_the_exam_review_quotes_the_cited_passages(learner_client, learner, exam):
    cite_all(exam.quiz.bank)
    during = learner_client.get(item_url(exam, 1)).content.decode()
    assert "The cause of MMN is unknown." not in during
    attempts.finish_attempt(exam)
    html = learner_client.get(url("attempt-result", exam.code)).content.decode()
    assert html.count("<p>The cause of MMN is unknown.</p>") == exam.slot_count


def test_the_reading_page_highlights_the_passage_without_javascript(learner_client, bank):
    version = cite_all(bank).current_version
    html = learner_client.get(url("source-read", version.pk) + "?passage=cause-02").content.decode()
    assert '<h2 id="section-1">Cause</h2>' in html and '<h2 id="section-2">Treatment</h2>' in html
    assert (
        '<p id="passage-cause-02" class="passage passage--highlighted" tabindex="-1">'
        "<mark>Men are affected three times as often as women.</mark>"
    ) in html
    assert '<a href="#passage-cause-02">Go to the highlighted passage</a>' in html
    plain = learner_client.get(url("source-read", version.pk) + "?passage=<script>").content.decode()
    assert "<mark>" not in plain and "<script>" not in plain


def test_an_unpublished_banks_source_is_a_404_except_for_its_educator(
    client, learner, educator, other_educator
):
    bank = make_owned_bank(educator)
    bank.is_published = False
    bank.save()
    version = cite_all(bank).current_version
    for user, status in ((learner, 404), (other_educator, 404), (educator, 200)):
        client.force_login(user)
        assert client.get(url("source-read", version.pk)).status_code == status


def test_reading_a_source_takes_the_same_queries_whatever_its_size(
    learner_client, bank, django_assert_num_queries
):
    small = create_source(bank, "Small", split(SHEET)).current_version
    large = create_source(
        bank, "Large", split("# A\n\n" + " ".join(f"Fact {n}." for n in range(300)))
    ).current_version
    for version in (small, large):
        # version with its source and bank, passages
        with django_assert_num_queries(2):
            learner_client.get(url("source-read", version.pk))


# -- coverage and passages -----------------------------------------------------------------------------------


def test_coverage_marks_uncited_passages_and_gives_percentages(educator_client, educator_bank):
    version = cite_all(educator_bank).current_version
    html = educator_client.get(url("source-coverage", version.pk)).content.decode()
    assert '<h2 id="coverage-heading">Coverage: 33%</h2>' in html
    assert html.count("Not cited") == 3  # the explanation, and the two uncited passages
    assert html.count("coverage-passage--uncited") == 2
    assert f"{educator_bank.questions.count()} questions" in html
    write = url("passage-questions", version.pk, "cause-02")
    assert f'<a href="{write}">Write a question from this passage' in html


@pytest.mark.parametrize(
    ("page", "count"),
    [
        # educator check, version with source and bank, citations, passages, versions
        (lambda version: url("source-coverage", version.pk), 5),
        # educator check, version with source and bank, the passage, the citing questions,
        # the bank's topics
        (lambda version: url("passage-questions", version.pk, "cause-01"), 5),
    ],
    ids=["coverage", "passage"],
)
def test_author_source_pages_are_a_fixed_number_of_queries(
    client, educator, django_assert_num_queries, page, count
):
    client.force_login(educator)
    for size in (5, 120):
        version = cite_all(make_owned_bank(educator, size, slug=f"c{size}")).current_version
        with django_assert_num_queries(count):
            assert client.get(page(version)).status_code == 200


def test_the_mmn_sheets_coverage_is_complete_and_pinned(client, educator, django_assert_num_queries):
    from django.core.management import call_command

    from quizzes.demo import MMN_BANK

    call_command("loadbank", str(MMN_BANK), "--owner", educator.username)
    version = Source.objects.get(key="mmn-factsheet").current_version
    client.force_login(educator)
    with django_assert_num_queries(5):
        html = client.get(url("source-coverage", version.pk)).content.decode()
    assert "Coverage: 100%" in html and "coverage-passage--uncited" not in html


def test_a_passage_lists_its_questions_and_offers_to_write_one(educator_client, educator_bank):
    version = cite_all(educator_bank).current_version
    passage = version.passages.get(key="cause-01")
    html = educator_client.get(url("passage-questions", version.pk, "cause-01")).content.decode()
    for question in educator_bank.questions.all():
        assert url("question-edit", question.pk) in html
    assert url("question-create", educator_bank.slug, "single") + f"?passage={passage.pk}" in html
    assert educator_client.get(url("passage-questions", version.pk, "no-such")).status_code == 404


def test_writing_a_question_from_a_passage_cites_it(educator_client, educator_bank):
    version = cite_all(educator_bank).current_version
    passage = version.passages.get(key="treatment-01")
    create = url("question-create", educator_bank.slug, "truefalse") + f"?passage={passage.pk}"
    html = educator_client.get(create).content.decode()
    assert "Writing from this passage" in html and "IVIG helps most patients." in html
    assert f'value="{passage.pk}" id="cite-{passage.pk}" checked' in html
    topic = educator_bank.topics.first()
    data = {
        "stem": "IVIG helps most patients.",
        "explanation": "The sheet says so.",
        "topic": topic.pk,
        "difficulty": "easy",
        "cites": [passage.pk],
        "spec-answer": "True",
        "spec-true_rationale": "Yes.",
        "spec-false_rationale": "No.",
    }
    response = educator_client.post(create, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get(current_version__stem="IVIG helps most patients.")
    assert question.current_version.source_section == "Treatment"
    assert list(question.current_version.citations.values_list("passage", flat=True)) == [passage.pk]


def test_the_editor_finds_passages_by_their_text(educator_client, educator_bank):
    cite_all(educator_bank)
    create = url("question-create", educator_bank.slug, "single")
    html = educator_client.post(create, {"preview": "search", "passage_search": "ivig"}).content.decode()
    assert "IVIG helps most patients." in html and "Men are affected" not in html


def test_another_banks_passage_is_not_prefilled(educator_client, educator_bank, other_educator):
    theirs = cite_all(make_owned_bank(other_educator, slug="theirs")).current_version.passages.first()
    html = educator_client.get(url("question-create", educator_bank.slug, "single") + f"?passage={theirs.pk}")
    assert "Writing from this passage" not in html.content.decode()


# -- adding a source -----------------------------------------------------------------------------------------


def test_pasting_a_text_previews_the_split_and_writes_nothing(educator_client, educator_bank):
    add = url("source-create", educator_bank.slug)
    html = educator_client.post(add, {"title": "Sheet", "text": SHEET}).content.decode()
    assert "3 passages in 2 sections" in html
    assert "<legend>Section 1: Cause</legend>" in html
    assert Source.objects.count() == 0


def test_fixing_the_split_then_saving_it(educator_client, educator_bank):
    add = url("source-create", educator_bank.slug)
    posted = {
        "title": "Sheet",
        "section": ["Cause", "Cause", "Treatment"],
        "text": [
            "The cause of MMN is unknown.",
            "Men are affected three times as often as women.",
            "IVIG helps.",
        ],
        "rename-old": ["Cause", "Treatment"],
        "rename-new": ["Cause", "How MMN is treated"],
    }
    merged = educator_client.post(add, {**posted, "op": "merge-0"}).content.decode()
    assert "The cause of MMN is unknown. Men are affected three times as often as women." in merged
    assert "<legend>Section 2: How MMN is treated</legend>" in merged
    assert Source.objects.count() == 0
    response = educator_client.post(add, {**posted, "op": "save"})
    source = Source.objects.get(bank=educator_bank)
    assert response.status_code == 302 and response.url == url("source-coverage", source.current_version_id)
    assert list(source.current_version.passages.values_list("key", "section")) == [
        ("cause-01", "Cause"),
        ("cause-02", "Cause"),
        ("how-mmn-is-treated-01", "How MMN is treated"),
    ]


def test_uploading_a_pdf_and_a_docx(educator_client, educator_bank):
    add = url("source-create", educator_bank.slug)
    pdf = make_pdf(["Cause", "The cause of MMN is unknown."])
    docx = make_docx([("Heading 1", "Treatment"), ("", "IVIG helps most patients.")])
    for name, raw, expected in (
        ("s.pdf", pdf, "The cause of MMN is unknown."),
        ("s.docx", docx, "IVIG helps"),
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        html = educator_client.post(
            add, {"title": "S", "upload": SimpleUploadedFile(name, raw)}
        ).content.decode()
        assert expected in html and "1 passage in 1 section" in html


def test_a_bad_upload_is_a_form_error_and_writes_nothing(educator_client, educator_bank):
    from django.core.files.uploadedfile import SimpleUploadedFile

    add = url("source-create", educator_bank.slug)
    response = educator_client.post(
        add, {"title": "S", "upload": SimpleUploadedFile("s.pdf", encrypted_pdf())}
    )
    assert response.status_code == 200 and "encrypted" in response.content.decode()
    assert Source.objects.count() == Passage.objects.count() == 0


def test_a_tampered_split_is_a_message_not_a_500(educator_client, educator_bank):
    add = url("source-create", educator_bank.slug)
    for extra in ({"op": "merge-x"}, {"op": "merge-99"}, {"op": "save", "section": ["A", "B"]}):
        response = educator_client.post(add, {"title": "S", "section": ["A"], "text": ["One."], **extra})
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert Source.objects.count() == 0


# -- revising ------------------------------------------------------------------------------------------------


def test_a_revision_shows_its_diff_then_flags_the_stale_questions(educator_client, educator_bank):
    source = cite_all(educator_bank, key="cause-02")
    revise = url("source-revise", source.pk)
    text = SHEET.replace("three times", "about three times")
    html = educator_client.post(revise, {"text": text}).content.decode()
    assert "2 unchanged, 1 edited, 0 removed, 0 added" in html
    assert '<ins><span class="visually-hidden">added: </span>about</ins>' in html
    assert source.versions.count() == 1
    drafts = split(text)
    response = educator_client.post(
        revise, {"op": "save", "section": [d.section for d in drafts], "text": [d.text for d in drafts]}
    )
    assert response.status_code == 302
    assert NeedsReview.objects.filter(change="edited").count() == educator_bank.questions.count()
    first, second = source.versions.order_by("number")
    coverage_page = educator_client.get(response.url).content.decode()
    assert f'<a href="{url("source-coverage", first.pk)}">1' in coverage_page
    assert '<strong aria-current="page">2</strong>' in coverage_page and response.url.endswith(
        f"/{second.pk}/coverage/"
    )
    listing = educator_client.get(url("question-list", educator_bank.slug)).content.decode()
    assert listing.count("Needs review</strong>") == min(educator_bank.questions.count(), 25)
    needing_review = url("question-list", educator_bank.slug) + "?status=review"
    flagged = educator_client.get(needing_review).content.decode()
    assert f"{educator_bank.questions.count()} questions" in flagged
    question = educator_bank.questions.first()
    assert educator_client.post(url("question-confirm", question.pk)).status_code == 302
    flagged = educator_client.get(needing_review).content.decode()
    assert f"{educator_bank.questions.count() - 1} questions" in flagged
    assert not NeedsReview.objects.filter(question=question).exists()


def test_the_question_list_stays_pinned_with_flags(educator_client, educator_bank, django_assert_num_queries):
    source = cite_all(educator_bank, key="cause-02")
    from quizzes.sources.editing import revise

    revise(source, split(SHEET.replace("three times", "about three times")))
    educator_client.get(url("question-list", educator_bank.slug))  # the item-writing checks, cached
    # educator check, bank, topics, count, page (with its needs-review flags), the checks'
    # cache stamp (questions, dismissals, attempts)
    with django_assert_num_queries(8):
        educator_client.get(url("question-list", educator_bank.slug))


def test_other_educators_and_learners_cannot_reach_the_authoring_pages(
    client, learner, other_educator, educator
):
    bank = make_owned_bank(educator)
    source = cite_all(bank)
    version = source.current_version
    pages = [
        ("get", url("source-create", bank.slug)),
        ("get", url("source-revise", source.pk)),
        ("get", url("source-coverage", version.pk)),
        ("get", url("passage-questions", version.pk, "cause-01")),
        ("post", url("question-confirm", bank.questions.first().pk)),
    ]
    for user, status in ((other_educator, 404), (learner, 403)):
        client.force_login(user)
        for method, page in pages:
            assert getattr(client, method)(page).status_code == status, (user, page)
    client.logout()
    for method, page in pages:
        assert getattr(client, method)(page).status_code == 302


def test_wrong_methods_are_405(educator_client, educator_bank):
    version = cite_all(educator_bank).current_version
    assert educator_client.post(url("source-coverage", version.pk)).status_code == 405
    assert educator_client.get(url("question-confirm", educator_bank.questions.first().pk)).status_code == 405
    assert educator_client.post(url("source-read", version.pk)).status_code == 405


def test_the_review_queue_quotes_the_cited_passage_only_after_answering(
    learner_client, learner, practice_quiz
):
    from tests.learning.test_review_views import NEXT, answer, due_card, options

    cite_all(practice_quiz.bank)
    card = due_card.__wrapped__(learner, practice_quiz)
    assert "The cause of MMN is unknown." not in learner_client.get(NEXT).content.decode()
    html = answer(learner_client, card, options(card.question.current_version, correct=True), **HTMX)
    assert "<p>The cause of MMN is unknown.</p>" in html.content.decode()
