"""The import page (upload, preview, confirm) and the export downloads of a bank."""

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.formats import gift
from quizzes.formats.common import MAX_BYTES
from quizzes.models import Question, QuestionVersion, Topic
from quizzes.views.transfer import SALT

pytestmark = pytest.mark.django_db

GOOD = """$CATEGORY: $course$/top/Treatment

::first-line::Which treatment is first-line for MMN? {
=IVIG#Right: it works within hours or days.
~Plasma exchange#It is ineffective and can worsen MMN.
####IVIG is the first-line treatment.
}

::steroids::Corticosteroids help MMN. {F#They can make MMN worse.#Right.####Steroids are ineffective.}

Describe MMN. {}
"""
BROKEN = (
    GOOD.replace("~Plasma exchange#", "~Plasma exchange#").replace("{F#", "{F#", 1)
    + "\n::bad::Which? {=a ~b\n"
)


def upload(client, bank, text: str | bytes, fmt: str = "gift"):
    content = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("quizzes:bank-import", args=[bank.slug]),
        {"file": SimpleUploadedFile("q.gift", content), "format": fmt},
    )


def rows() -> tuple[int, int, int]:
    return Topic.objects.count(), Question.objects.count(), QuestionVersion.objects.count()


def test_the_page_is_a_full_page_with_the_form(educator_client, educator_bank):
    response = educator_client.get(reverse("quizzes:bank-import", args=[educator_bank.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'enctype="multipart/form-data"' in html
    assert '<label for="id_file">File</label>' in html


def test_the_preview_counts_per_type_and_topic_lists_warnings_and_writes_nothing(
    educator_client, educator_bank
):
    before = rows()
    response = upload(educator_client, educator_bank, GOOD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 questions from this GIFT file" in html
    assert '<th scope="row">Single answer</th><td>1</td>' in html
    assert '<th scope="row">Treatment</th><td>2</td>' in html
    assert "line 11: an essay question is not supported, skipped" in html
    assert rows() == before


def test_confirm_imports_the_previewed_file_and_redirects_with_a_message(educator_client, educator_bank):
    payload = upload(educator_client, educator_bank, GOOD).context["payload"]
    response = educator_client.post(
        reverse("quizzes:bank-import", args=[educator_bank.slug]), {"payload": payload}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("quizzes:bank-detail", args=[educator_bank.slug])
    assert "2 new questions" in response.content.decode()
    keys = set(educator_bank.questions.values_list("key", flat=True))
    assert {"first-line", "steroids"} <= keys
    assert educator_bank.questions.get(key="first-line").current_version.created_by.username == "florence"


def test_a_broken_file_shows_every_error_with_its_line_and_writes_nothing(educator_client, educator_bank):
    before = rows()
    response = upload(educator_client, educator_bank, BROKEN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "line 13: the answer block opened with { is never closed" in html
    assert "payload" not in response.context
    assert rows() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Caf\xe9? {T####x}".encode("latin-1"), "line 1: the file is not UTF-8 text"),
        (b"/" * (MAX_BYTES + 1), "the limit is 2,097,152 bytes"),
    ],
    ids=["not-utf8", "too-big"],
)
def test_unreadable_files_are_refused_clearly(educator_client, educator_bank, content, message):
    before = rows()
    response = upload(educator_client, educator_bank, content)
    assert message in response.content.decode()
    assert rows() == before


def test_xml_with_entities_is_refused(educator_client, educator_bank):
    text = '<!DOCTYPE quiz [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><quiz>&b;</quiz>'
    response = upload(educator_client, educator_bank, text, "moodlexml")
    assert "declares entities or external references, which are refused" in response.content.decode()


def test_a_changed_payload_is_refused_and_writes_nothing(educator_client, educator_bank):
    payload = upload(educator_client, educator_bank, GOOD).context["payload"]
    before = rows()
    response = educator_client.post(
        reverse("quizzes:bank-import", args=[educator_bank.slug]), {"payload": payload[:-2] + "xx"}
    )
    assert response.status_code == 400
    assert rows() == before


def test_a_payload_for_another_bank_is_refused(educator_client, educator, educator_bank):
    from tests.conftest import make_owned_bank

    other = make_owned_bank(educator, 2, slug="second")
    payload = signing.dumps({"text": GOOD, "format": "gift", "bank": other.pk}, salt=SALT, compress=True)
    before = rows()
    response = educator_client.post(
        reverse("quizzes:bank-import", args=[educator_bank.slug]), {"payload": payload}
    )
    assert response.status_code == 404
    assert rows() == before


def test_a_bank_file_naming_another_bank_goes_into_this_one(educator_client, educator_bank, bank):
    from quizzes.formats import bankfile
    from quizzes.formats.database import export_bank

    text = bankfile.dump(export_bank(bank))  # names the unowned "test" bank
    payload = upload(educator_client, educator_bank, text, "json").context["payload"]
    before = bank.questions.count(), QuestionVersion.objects.filter(question__bank=bank).count()
    educator_client.post(reverse("quizzes:bank-import", args=[educator_bank.slug]), {"payload": payload})
    assert (bank.questions.count(), QuestionVersion.objects.filter(question__bank=bank).count()) == before


def test_imported_html_is_inert(educator_client, educator_bank):
    text = "::x::[html]<script>alert(1)</script><img src=x onerror=alert(1)>Is IVIG first-line? {T####Yes.}"
    payload = upload(educator_client, educator_bank, text).context["payload"]
    educator_client.post(reverse("quizzes:bank-import", args=[educator_bank.slug]), {"payload": payload})
    version = educator_bank.questions.get(key="x").current_version
    assert version.stem == "Is IVIG first-line?"
    page = educator_client.get(reverse("quizzes:question-edit", args=[version.question_id])).content.decode()
    assert "onerror" not in page and "alert(1)" not in page


def test_learner_gets_403_and_other_educator_404(client, learner, other_educator, educator_bank):
    url = reverse("quizzes:bank-import", args=[educator_bank.slug])
    client.force_login(learner)
    assert client.get(url).status_code == 403
    client.force_login(other_educator)
    assert client.get(url).status_code == 404
    assert client.post(url, {"payload": "x"}).status_code == 404
    assert client.get(reverse("quizzes:bank-export", args=[educator_bank.slug, "gift"])).status_code == 404


@pytest.mark.parametrize(
    ("fmt", "name"), [("json", "owned.json"), ("gift", "owned.gift.txt"), ("moodlexml", "owned.xml")]
)
def test_export_downloads_the_bank(educator_client, educator_bank, fmt, name):
    response = educator_client.get(reverse("quizzes:bank-export", args=[educator_bank.slug, fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert educator_bank.questions.first().key in response.content.decode()


def test_exported_gift_reads_back(educator_client, educator_bank):
    text = educator_client.get(
        reverse("quizzes:bank-export", args=[educator_bank.slug, "gift"])
    ).content.decode()
    assert len(gift.parse(text).bank.questions) == educator_bank.questions.count()


def test_an_unknown_export_format_is_404(educator_client, educator_bank):
    assert (
        educator_client.get(reverse("quizzes:bank-export", args=[educator_bank.slug, "csv"])).status_code
        == 404
    )


def test_the_bank_page_links_import_and_exports(educator_client, educator_bank):
    html = educator_client.get(reverse("quizzes:bank-detail", args=[educator_bank.slug])).content.decode()
    assert reverse("quizzes:bank-import", args=[educator_bank.slug]) in html
    for fmt in ("json", "gift", "moodlexml"):
        assert reverse("quizzes:bank-export", args=[educator_bank.slug, fmt]) in html


def test_the_preview_costs_the_same_queries_for_a_small_and_a_large_bank(educator_client, educator):
    """Session, user, educator group, the bank, and its topics (to fit the file's categories to them)."""
    from tests.conftest import make_owned_bank
    from tests.test_taking_views import queries

    small, large = make_owned_bank(educator, 2, slug="small"), make_owned_bank(educator, 40, slug="large")
    counts = []
    for bank in (small, large):
        url = reverse("quizzes:bank-import", args=[bank.slug])
        data = {"file": SimpleUploadedFile("q.gift", GOOD.encode()), "format": "gift"}
        counts.append(queries(educator_client, "post", url, data))
    assert counts == [5, 5]
