"""The item-writing checks in the question editor (live preview, Preview without JavaScript, dismissing
a warning with a reason) and the clinical-judgment tags it saves."""

from dataclasses import replace

import pytest

from quizzes.authoring import editing
from quizzes.models import Question, QuestionVersion, WarningDismissal
from tests.authoring.test_authoring_views import HTMX, sata_post, url

pytestmark = pytest.mark.django_db

FLAWED_ROWS = [
    ("Weakness in the hands", True, "r1"),
    ("Muscle cramps", True, "r2"),
    ("Always a loss of feeling", False, "r3"),
]
SINGLE_ROWS = [
    ("Weakness of the hand", True, "r1"),
    ("Sensory loss", False, "r2"),
    ("Tremor at rest", False, "r3"),
    ("Muscle rigidity", False, "r4"),
]


@pytest.fixture
def topic(educator_bank):
    return educator_bank.topics.get(slug="alpha")


def single_post(rows=SINGLE_ROWS, stem="Which finding is typical of MMN?", **extra):
    return sata_post(*rows, stem=stem, **extra)


@pytest.fixture
def flawed(educator_bank, topic, educator) -> Question:
    """A question whose lead-in has an unemphasised NOT."""
    draft = editing.QuestionDraft(
        item_type="single",
        topic=topic,
        difficulty="medium",
        stem="Which finding is not typical of MMN?",
        explanation="E",
        source_section="S",
        spec={"options": [{"text": t, "correct": c, "rationale": r} for t, c, r in SINGLE_ROWS]},
    )
    return editing.create_question(educator_bank, draft, author=educator)


def test_the_live_preview_shows_a_warning_and_no_longer_once_fixed(educator_client, topic):
    flawed_html = educator_client.post(
        url("question-preview", "owned", "multiple"), sata_post(*FLAWED_ROWS, topic=topic), **HTMX
    ).content.decode()
    assert 'id="question-checks"' in flawed_html
    assert "Warning: Absolute words only in distractors." in flawed_html and "“always”" in flawed_html
    fixed_rows = [*FLAWED_ROWS[:2], ("A loss of feeling", False, "r3")]
    fixed_html = educator_client.post(
        url("question-preview", "owned", "multiple"), sata_post(*fixed_rows, topic=topic), **HTMX
    ).content.decode()
    assert "No item-writing warnings." in fixed_html


def test_the_preview_button_without_javascript_shows_the_warnings_and_saves_nothing(educator_client, topic):
    before = QuestionVersion.objects.count()
    html = educator_client.post(
        url("question-create", "owned", "single"),
        single_post(stem="Which finding is not typical of MMN?", topic=topic, preview="1"),
    ).content.decode()
    assert "<html" in html and "Warning: Negative stem without emphasis." in html
    assert QuestionVersion.objects.count() == before


def test_editing_a_question_does_not_call_it_a_near_duplicate_of_itself(educator_client, flawed):
    html = educator_client.post(
        url("question-edit-preview", flawed.pk), single_post(topic=flawed.topic), **HTMX
    ).content.decode()
    assert "Near-duplicate" not in html and "No item-writing warnings." in html


def test_a_new_question_like_an_existing_one_is_a_near_duplicate(educator_client, flawed):
    html = educator_client.post(
        url("question-preview", "owned", "single"),
        single_post(stem="Which finding is not typical of MMN?", topic=flawed.topic),
        **HTMX,
    ).content.decode()
    assert f"Nearly the same as question {flawed.key}" in html


def test_an_author_dismisses_a_warning_with_a_reason_and_it_is_recorded(educator_client, educator, flawed):
    page = educator_client.get(url("question-edit", flawed.pk)).content.decode()
    assert "Dismiss for version 1" in page
    response = educator_client.post(
        url("question-dismiss", flawed.pk), {"check_id": "negative-stem", "reason": "Quoting the sheet."}
    )
    assert response.status_code == 302 and response["Location"].endswith("#question-checks")
    dismissal = WarningDismissal.objects.get()
    assert (dismissal.version, dismissal.check_id, dismissal.dismissed_by) == (
        flawed.current_version,
        "negative-stem",
        educator,
    )
    page = educator_client.get(url("question-edit", flawed.pk)).content.decode()
    assert "Dismissed: Negative stem without emphasis." in page and "Quoting the sheet." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"check_id": "negative-stem", "reason": ""}, "This field is required."),
        ({"check_id": "no-such-check", "reason": "Why not."}, "Select a valid choice."),
    ],
)
def test_a_dismissal_without_a_reason_or_check_is_refused(educator_client, flawed, data, message):
    response = educator_client.post(url("question-dismiss", flawed.pk), data, follow=True)
    assert message in response.content.decode()
    assert not WarningDismissal.objects.exists()


def test_another_educator_cannot_dismiss_or_preview_anothers_question(client, other_educator, flawed):
    client.force_login(other_educator)
    data = {"check_id": "negative-stem", "reason": "Mine now."}
    assert client.post(url("question-dismiss", flawed.pk), data).status_code == 404
    assert client.post(url("question-edit-preview", flawed.pk), single_post()).status_code == 404
    assert not WarningDismissal.objects.exists()


def test_dismissing_takes_only_post(educator_client, flawed):
    assert educator_client.get(url("question-dismiss", flawed.pk)).status_code == 405
    assert educator_client.get(url("question-edit-preview", flawed.pk)).status_code == 405


def test_the_editor_saves_the_clinical_judgment_tags(educator_client, topic):
    data = single_post(topic=topic, clinical_judgment="recognize-cues", cognitive_level="application")
    response = educator_client.post(url("question-create", "owned", "single"), data)
    assert response.status_code == 302
    version = QuestionVersion.objects.latest("pk")
    assert (version.clinical_judgment, version.cognitive_level) == ("recognize-cues", "application")
    page = educator_client.get(response["Location"]).content.decode()
    assert '<option value="recognize-cues" selected>' in page


def test_an_unknown_tag_is_a_form_error(educator_client, topic):
    html = educator_client.post(
        url("question-create", "owned", "single"), single_post(topic=topic, cognitive_level="genius")
    ).content.decode()
    assert "Select a valid choice" in html


# -- the question list --------------------------------------------------------------------------------------


def test_the_question_list_counts_warnings_and_filters_by_them(educator_client, educator, flawed):
    html = educator_client.get(url("question-list", "owned")).content.decode()
    assert '<th scope="col">Checks</th>' in html
    assert f'href="/author/questions/{flawed.pk}/edit/#question-checks">1 warning</a>' in html
    warned = educator_client.get(url("question-list", "owned"), {"checks": "warnings"}).content.decode()
    clean = educator_client.get(url("question-list", "owned"), {"checks": "clean"}).content.decode()
    assert f"/author/questions/{flawed.pk}/edit/" in warned
    assert f"/author/questions/{flawed.pk}/edit/" not in clean

    WarningDismissal.objects.create(version=flawed.current_version, check_id="negative-stem", reason="Fine.")
    clean = educator_client.get(url("question-list", "owned"), {"checks": "clean"}).content.decode()
    assert f"/author/questions/{flawed.pk}/edit/" in clean


def test_the_lists_cached_counts_follow_a_new_version(educator_client, educator, flawed):
    link = f'href="/author/questions/{flawed.pk}/edit/#question-checks">1 warning</a>'
    assert link in educator_client.get(url("question-list", "owned")).content.decode()
    fixed = editing.QuestionDraft.from_version(flawed.current_version, flawed.topic)
    editing.edit_question(flawed, replace(fixed, stem="Which finding is typical of MMN?"), author=educator)
    assert link not in educator_client.get(url("question-list", "owned")).content.decode()
