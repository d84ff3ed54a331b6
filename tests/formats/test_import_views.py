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
    trail = html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert trail.count(reverse("quizzes:bank-detail", args=[educator_bank.slug])) == 1


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
    text = "::x::[html]<script>alert(1)</script><b onmouseover=alert(1)></b>Is IVIG first-line? {T####Yes.}"
    payload = upload(educator_client, educator_bank, text).context["payload"]
    educator_client.post(reverse("quizzes:bank-import", args=[educator_bank.slug]), {"payload": payload})
    version = educator_bank.questions.get(key="x").current_version
    assert version.stem == "Is IVIG first-line?"
    page = educator_client.get(reverse("quizzes:question-edit", args=[version.question_id])).content.decode()
    assert "onmouseover" not in page and "alert(1)" not in page


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
    """Educator group, the bank, and its topics (to fit the file's categories to them)."""
    from tests.conftest import make_owned_bank
    from tests.taking.test_taking_views import queries

    small, large = make_owned_bank(educator, 2, slug="small"), make_owned_bank(educator, 40, slug="large")
    counts = []
    for bank in (small, large):
        url = reverse("quizzes:bank-import", args=[bank.slug])
        data = {"file": SimpleUploadedFile("q.gift", GOOD.encode()), "format": "gift"}
        counts.append(queries(educator_client, "post", url, data))
    assert counts == [3, 3]


def test_the_preview_lists_the_item_writing_checks_of_the_file(educator_client, educator_bank):
    html = upload(educator_client, educator_bank, GOOD).content.decode()
    # The first-line item has two options: fewer than an NCLEX item's four.
    assert "Item-writing checks" in html and "1 warning about the file" in html
    assert '<th scope="row">Fewer than 4 options</th><td>1</td>' in html
    assert "Question first-line: Fewer than 4 options." in html


def test_a_file_with_no_flaws_says_so(educator_client, educator_bank):
    clean = """::cramps::Which sign of MMN is a muscle symptom? {
=Cramps#Right.
~Numbness#Sensory.
~Rash#Skin.
~Fever#General.
}
"""
    html = upload(educator_client, educator_bank, clean).content.decode()
    assert "No item-writing warnings." in html


def test_a_huge_file_is_checked_item_by_item_only(educator_client, educator_bank, monkeypatch):
    from quizzes.views import transfer

    monkeypatch.setattr(transfer, "PREVIEW_CHECKS_UP_TO", 1)
    html = upload(educator_client, educator_bank, GOOD).content.decode()
    assert "only its first 1 questions were checked, each on its own" in html
    assert "Question first-line: Fewer than 4 options." in html  # the first question is checked


def test_the_preview_leaves_out_the_warnings_the_file_dismisses(educator_client, educator_bank):
    import json

    from tests.formats.test_bankfile import minimal

    data = minimal()  # its one item has two options
    data["format"] = 3
    html = upload(educator_client, educator_bank, json.dumps(data), "json").content.decode()
    assert "Question q-1: Fewer than 4 options." in html
    data["questions"][0]["dismissed"] = {"few-options": "A real dichotomy."}
    html = upload(educator_client, educator_bank, json.dumps(data), "json").content.decode()
    assert "Fewer than 4 options" not in html and "No item-writing warnings." in html


def test_a_refused_file_still_lists_its_warnings(educator_client, educator_bank):
    response = upload(educator_client, educator_bank, BROKEN)
    html = response.content.decode()
    assert "line 13: the answer block opened with { is never closed" in html
    assert "line 11: an essay question is not supported, skipped" in html
    assert response.context["refused_warnings"] == ["line 11: an essay question is not supported, skipped"]


def test_the_preview_shows_each_question_with_its_type_stem_key_and_warnings(educator_client, educator_bank):
    response = upload(educator_client, educator_bank, GOOD.replace("####IVIG is", "~%50%Steroids####IVIG is"))
    rows_ = {q["key"]: q for q in response.context["preview"]["questions"]}
    assert set(rows_) == {"steroids"}  # the partial-credit question is skipped, with a warning
    assert rows_["steroids"]["answer"] == "False" and rows_["steroids"]["type"] == "True or false"
    html = response.content.decode()
    assert "Each question as it will be imported" in html and "Corticosteroids help MMN." in html
    assert "partial credit" in html


def test_a_file_with_errors_is_refused_whole_unless_the_educator_asks_to_leave_them_out(
    educator_client, educator_bank
):
    assert "payload" not in upload(educator_client, educator_bank, BROKEN).context
    response = educator_client.post(
        reverse("quizzes:bank-import", args=[educator_bank.slug]),
        {"file": SimpleUploadedFile("q.gift", BROKEN.encode()), "format": "gift", "leave_out_errors": "on"},
    )
    preview = response.context["preview"]
    assert preview["total"] == 2
    assert preview["left_out"] == ["line 13: the answer block opened with { is never closed"]
    before = rows()
    confirmed = educator_client.post(
        reverse("quizzes:bank-import", args=[educator_bank.slug]),
        {"payload": response.context["payload"]},
        follow=True,
    )
    html = confirmed.content.decode()
    assert "2 new questions" in html
    assert "Left out 1 question with errors: line 13: the answer block opened with { is never closed" in html
    assert rows()[1] == before[1] + 2


def test_the_warnings_and_errors_download_as_text_by_line(educator_client, educator_bank):
    response = upload(educator_client, educator_bank, BROKEN)
    download = educator_client.post(
        reverse("quizzes:bank-import", args=[educator_bank.slug]),
        {"payload": response.context["problems_payload"], "download": "problems"},
    )
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment" in download["Content-Disposition"]
    assert download.content.decode() == (
        "error\tline 13: the answer block opened with { is never closed\n"
        "warning\tline 11: an essay question is not supported, skipped\n"
    )


def test_the_bank_page_says_which_questions_each_export_leaves_out_and_why(educator_client, educator):
    from quizzes.demo import MMN_BANK
    from quizzes.formats import bankfile
    from quizzes.formats.database import import_bank

    data = bankfile.parse(MMN_BANK.read_text(encoding="utf-8"))
    import_bank(data, owner=educator)
    html = educator_client.get(reverse("quizzes:bank-detail", args=[data.slug])).content.decode()
    matrix = [q.key for q in data.questions if q.type == "matrix"]
    no_gift = [q.key for q in data.questions if q.type in ("matrix", "cloze")]
    assert f"{len(no_gift)} questions left out of GIFT" in html
    assert f"{len(matrix)} questions left out of Moodle XML" in html
    assert f"<code>{matrix[0]}</code>: Matrix (grid) items have no Moodle question type to carry them" in html


def test_an_imported_question_without_feedback_shows_no_placeholder_in_its_review(
    educator_client, educator_bank
):
    payload = upload(
        educator_client, educator_bank, "::bare::Which is first-line? {=IVIG ~Steroids}"
    ).context["payload"]
    educator_client.post(reverse("quizzes:bank-import", args=[educator_bank.slug]), {"payload": payload})
    version = educator_bank.questions.get(key="bare").current_version
    assert (version.explanation, version.source_section) == ("", "")
    from django.template.loader import render_to_string

    review = version.item.review(version.spec, None, None)
    html = render_to_string(
        "quizzes/_item_review.html", {"version": version, "review": review, "answered": False}
    )
    assert "Explanation" not in html and "Fact-sheet section" not in html
    assert 'class="rationale"' not in html and "No feedback" not in html


def test_the_bank_page_names_a_question_the_export_leaves_out_for_what_it_holds(educator_client, educator):
    from quizzes.formats.bankfile import BankData, QuestionData
    from quizzes.formats.database import import_bank

    answers = [{"text": "a -> b", "variants": [], "correct": True, "feedback": ""}]
    data = BankData(slug="arrows", title="Arrows", topics=[("t", "T")])
    data.questions.append(
        QuestionData("arrow", "t", "shortanswer", "easy", "", "Q?", "", {"answers": answers})
    )
    import_bank(data, owner=educator)
    html = educator_client.get(reverse("quizzes:bank-detail", args=["arrows"])).content.decode()
    assert "1 question left out of GIFT" in html and "<code>arrow</code>: the short answer" in html
    assert "left out of Moodle XML" not in html
