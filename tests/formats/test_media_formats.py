"""Question images through every format: GIFT data: URIs, Moodle XML's <file> with @@PLUGINFILE@@, the bank
file's base64 "media"; round trips exact; an image that cannot be read is a warning by line, never dropped."""

import base64
import io
import json

import pytest

from quizzes import media
from quizzes.formats import bankfile, gift, moodlexml
from quizzes.formats.bankfile import BankData, BankFileError, MediaData, QuestionData
from quizzes.formats.database import export_bank, import_bank
from quizzes.models import BankMedia
from tests.media.images import SVG, image, png

RED, BLUE, GIF = png("red"), png("blue"), image("GIF")
RED_NAME, BLUE_NAME, GIF_NAME = (media.inspect(x).name for x in (RED, BLUE, GIF))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def xml(*questions: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


# -- GIFT --------------------------------------------------------------------------------------------------


def test_gift_reads_data_uri_images_in_the_stem_options_and_feedback_with_their_alt_text():
    text = (
        f'Which strip? <img src\\="data\\:image/png;base64,{b64(RED)}" alt\\="A red strip"> {{\n'
        f'  =<img src\\="data\\:image/gif;base64,{b64(GIF)}" alt\\="Option A: a GIF">'
        f'#Right: <img src\\="data\\:image/png;base64,{b64(BLUE)}" alt\\="the key, in blue">\n'
        "  ~Plain text\n}\n"
    )
    result = gift.parse(text)
    q = result.bank.questions[0]
    assert q.stem == f"Which strip? ![A red strip](media:{RED_NAME})"
    assert q.spec["options"][0]["text"] == f"![Option A: a GIF](media:{GIF_NAME})"
    assert q.spec["options"][0]["rationale"] == f"Right: ![the key, in blue](media:{BLUE_NAME})"
    assert set(result.bank.media) == {RED_NAME, GIF_NAME, BLUE_NAME}
    assert result.bank.media[RED_NAME].data == RED and result.bank.media[RED_NAME].alt == "A red strip"
    assert result.warnings == []


def test_gift_reads_an_unescaped_img_tag_as_teachers_write_it():
    result = gift.parse(f'<img src="data:image/png;base64,{b64(RED)}" alt="x"> Which? {{=a ~b}}')
    assert result.bank.questions[0].stem == f"![x](media:{RED_NAME}) Which?"


@pytest.mark.parametrize(("img", "why"), [
    ('<img src="data:image/png;base64,!!!notbase64" alt="x">', "not valid base64"),
    (f'<img src="data:image/svg+xml;base64,{b64(SVG)}" alt="x">', "SVG images are not accepted"),
    (f'<img src="data:image/png;base64,{b64(b"just text")}" alt="x">', "not an image that can be read"),
    ('<img src="https://example.org/ecg.png" alt="x">', "an image from another site"),
])  # fmt: skip
def test_a_gift_image_that_cannot_be_read_skips_its_question_with_a_warning_by_line(img, why):
    result = gift.parse(f"OK? {{T}}\n\nWhich? {img} {{=a ~b}}\n")
    assert [q.stem for q in result.bank.questions] == ["OK?"]
    assert (
        len(result.warnings) == 1 and result.warnings[0].startswith("line 3: ") and why in result.warnings[0]
    )
    assert result.bank.media == {}


def test_an_image_of_a_skipped_question_is_not_carried():
    text = f'Essay <img src="data:image/png;base64,{b64(RED)}" alt="x"> {{}}\n\nOK? {{T}}\n'
    result = gift.parse(text)
    assert result.bank.media == {} and "essay" in result.warnings[0]


# -- Moodle XML --------------------------------------------------------------------------------------------


def multichoice(stem_html: str, files: str = "", feedback: str = "", feedback_files: str = "") -> str:
    return (
        '<question type="multichoice"><name><text>ecg</text></name>'
        f'<questiontext format="html"><text><![CDATA[{stem_html}]]></text>{files}</questiontext>'
        "<single>true</single>"
        '<answer fraction="100" format="html"><text>Sinus rhythm</text>'
        f'<feedback format="html"><text><![CDATA[{feedback}]]></text>{feedback_files}</feedback></answer>'
        '<answer fraction="0"><text>Atrial fibrillation</text></answer>'
        "</question>"
    )


def file(name: str, data: bytes) -> str:
    return f'<file name="{name}" path="/" encoding="base64">{b64(data)}</file>'


def test_moodle_xml_reads_pluginfile_images_with_their_files_and_alt_text():
    text = xml(
        multichoice(
            '<p>What rhythm? <img src="@@PLUGINFILE@@/strip%201.png" alt="An ECG strip" width="300"></p>',
            file("strip 1.png", RED),
            '<p>See <img src="@@PLUGINFILE@@/key.png" alt="The P waves"></p>',
            file("key.png", BLUE),
        )
    )
    result = moodlexml.parse(text)
    q = result.bank.questions[0]
    assert q.stem == f"What rhythm? ![An ECG strip](media:{RED_NAME})"
    key = next(o for o in q.spec["options"] if o["correct"])
    assert key["rationale"] == f"See ![The P waves](media:{BLUE_NAME})"
    assert {n: m.data for n, m in result.bank.media.items()} == {RED_NAME: RED, BLUE_NAME: BLUE}


@pytest.mark.parametrize(("stem", "files", "why"), [
    ('<img src="@@PLUGINFILE@@/gone.png" alt="x">', "", "is not among the question's embedded files"),
    ('<img src="@@PLUGINFILE@@/a.png">', '<file name="a.png" encoding="base64">@@@</file>', "not valid"),
    ('<img src="@@PLUGINFILE@@/a.png" alt="x">', file("a.png", SVG), "SVG images are not accepted"),
    ('<a href="@@PLUGINFILE@@/notes.pdf">notes</a>', file("notes.pdf", b"%PDF-1.4"), "a linked file"),
])  # fmt: skip
def test_a_moodle_xml_image_that_cannot_be_read_skips_its_question_with_a_warning(stem, files, why):
    ok = multichoice("<p>OK?</p>").replace("<text>ecg</text>", "<text>ok</text>")
    result = moodlexml.parse(xml(multichoice(f"<p>Which? {stem}</p>", files), ok))
    assert [q.key for q in result.bank.questions] == ["ok"]
    assert len(result.warnings) == 1 and why in result.warnings[0] and result.warnings[0].startswith("line ")
    assert result.bank.media == {}


# -- the bank file -----------------------------------------------------------------------------------------


def bank_with_images() -> BankData:
    """Images in a stem, an option, a rationale, an explanation, a matching premise and an ordering step."""
    red, blue, gif = (media.reference(n, alt) for n, alt in (
        (RED_NAME, "An ECG strip [lead II]"), (BLUE_NAME, 'The "P" waves & QRS'), (GIF_NAME, "A gif")
    ))  # fmt: skip
    questions = [
        QuestionData(
            key="strip", topic="t", type="single", difficulty="medium", source_section="",
            stem=f"What rhythm? {red}", explanation=f"Regular P waves. {blue}",
            spec={"options": [
                {"text": f"Sinus rhythm {gif}", "correct": True, "rationale": f"Yes: {blue}"},
                {"text": "Atrial fibrillation", "correct": False, "rationale": ""},
                {"text": "Flutter", "correct": False, "rationale": ""},
                {"text": "Asystole", "correct": False, "rationale": ""},
            ]},
        ),
        QuestionData(
            key="match", topic="t", type="matching", difficulty="easy", source_section="",
            stem="Match.", explanation="",
            spec={"premises": [
                {"text": f"This strip {red}", "match": "Sinus", "rationale": f"See {blue}"},
                {"text": "No P waves", "match": "AF", "rationale": ""},
            ], "responses": ["Sinus", "AF"]},
        ),
        QuestionData(
            key="tf", topic="t", type="truefalse", difficulty="easy", source_section="",
            stem=f"{gif} This is a GIF.", explanation="",
            spec={"options": [
                {"text": "True", "correct": True, "rationale": f"{gif}"},
                {"text": "False", "correct": False, "rationale": ""},
            ]},
        ),
    ]  # fmt: skip
    data = BankData(slug="ecg", title="ECG", topics=[("t", "Rhythms")], questions=questions)
    data.media = {
        RED_NAME: MediaData(RED_NAME, RED, "An ECG strip [lead II]"),
        BLUE_NAME: MediaData(BLUE_NAME, BLUE, 'The "P" waves & QRS'),
        GIF_NAME: MediaData(GIF_NAME, GIF, "A gif"),
    }
    for q in data.questions:
        item = bankfile.ITEM_TYPES[q.type]
        q.spec = item.content(item.normalise(q.spec))
    return data


def media_of(bank: BankData) -> dict[str, bytes]:
    return {name: m.data for name, m in bank.media.items()}


def test_the_bank_file_carries_images_in_base64_and_round_trips_exactly():
    data = bank_with_images()
    text = bankfile.dump(data)
    raw = json.loads(text)
    assert raw["format"] == 3
    assert [m["name"] for m in raw["media"]] == sorted(data.media)
    again = bankfile.parse(text)
    assert again.questions == data.questions and media_of(again) == media_of(data)
    assert bankfile.dump(again) == text


@pytest.mark.parametrize(("change", "why"), [
    (lambda m: m.update(data="not base64!"), "not valid base64"),
    (lambda m: m.update(data=b64(SVG)), "SVG images are not accepted"),
    (lambda m: m.update(name="f" * 64 + ".png"), "must be the image's own"),
    (lambda m: m.update(data=7), '"data" must be the image in base64'),
])  # fmt: skip
def test_a_bank_file_with_a_bad_image_is_refused_with_its_line(change, why):
    raw = json.loads(bankfile.dump(bank_with_images()))
    change(raw["media"][0])
    text = json.dumps(raw, indent=2)
    with pytest.raises(BankFileError) as refused:
        bankfile.parse(text)
    assert any(why in e and e.startswith("line ") for e in refused.value.errors), refused.value.errors


def test_a_bank_file_whose_question_shows_an_image_it_lacks_is_refused():
    raw = json.loads(bankfile.dump(bank_with_images()))
    raw["media"] = raw["media"][1:]
    with pytest.raises(BankFileError, match="not in the file's media"):
        bankfile.parse(json.dumps(raw, indent=2))


# -- round trips -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [gift, moodlexml], ids=["gift", "moodlexml"])
def test_bank_to_gift_or_moodle_xml_to_bank_is_exact_for_media(fmt):
    data = bank_with_images()
    text, skipped = fmt.dump(data)
    assert skipped == []
    again = fmt.parse(text).bank
    assert [(q.key, q.stem, q.explanation, q.spec) for q in again.questions] == [
        (q.key, q.stem, q.explanation, q.spec) for q in data.questions
    ]
    assert media_of(again) == media_of(data)
    again.title = data.title
    assert fmt.dump(again)[0] == text


def test_moodle_xml_writes_images_as_moodle_does():
    text, _ = moodlexml.dump(bank_with_images())
    assert f'&lt;img src="@@PLUGINFILE@@/{RED_NAME}" alt="An ECG strip [lead II]"&gt;' in text
    assert f'<file name="{RED_NAME}" path="/" encoding="base64">{b64(RED)}</file>' in text


def test_gift_writes_images_as_data_uris():
    text, _ = gift.dump(bank_with_images())
    data = b64(RED).replace("=", "\\=")
    assert f'<img src\\="data\\:image/png;base64,{data}" alt\\="An ECG strip [lead II]">' in text


@pytest.mark.django_db
def test_a_bank_with_images_loads_into_storage_and_exports_the_same(educator):
    data = bank_with_images()
    import_bank(data, owner=educator)
    assert set(BankMedia.objects.values_list("name", flat=True)) == set(data.media)
    stored = export_bank(BankMedia.objects.first().bank)
    assert bankfile.dump(stored) == bankfile.dump(data)
    import_bank(bankfile.parse(bankfile.dump(stored)), owner=educator)  # again: nothing doubled
    assert BankMedia.objects.count() == 3


# -- the import page ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_page_previews_an_image_in_words_then_stores_it_and_serves_it(
    educator_client, educator_bank
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    img = f'<img src\\="data\\:image/png;base64,{b64(RED)}" alt\\="An ECG strip">'
    text = f"::ecg::Which rhythm? {img} {{=Sinus ~AF}}\n"
    url = reverse("quizzes:bank-import", args=[educator_bank.slug])
    preview = educator_client.post(
        url, {"file": SimpleUploadedFile("q.gift", text.encode()), "format": "gift"}
    )
    html = preview.content.decode()
    assert "1 question from this GIFT file, with 1 image." in html
    assert "Which rhythm? [image: An ECG strip]" in html and "media:" not in html
    assert not BankMedia.objects.exists()  # the preview writes nothing
    educator_client.post(url, {"payload": preview.context["payload"]})
    stored = BankMedia.objects.get(bank=educator_bank)
    assert (stored.name, stored.alt, stored.width, stored.height) == (RED_NAME, "An ECG strip", 4, 3)
    version = educator_bank.questions.get(key="ecg").current_version
    assert version.stem == f"Which rhythm? ![An ECG strip](media:{RED_NAME})"
    served = educator_client.get(reverse("quizzes:media-file", args=[RED_NAME]))
    assert b"".join(served.streaming_content) == RED


@pytest.mark.django_db
def test_a_file_near_the_2_mb_limit_of_incompressible_images_previews_and_imports(
    educator_client, educator_bank
):
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3)).save(out, "PNG")  # noise: no compression
    noise = out.getvalue()
    img = f'<img src\\="data\\:image/png;base64,{b64(noise)}" alt\\="Noise">'
    text = f"::noise::What is this? {img} {{=Noise ~Signal}}\n"
    assert 1_400_000 < len(text) < 2 * 1024 * 1024
    url = reverse("quizzes:bank-import", args=[educator_bank.slug])
    preview = educator_client.post(
        url, {"file": SimpleUploadedFile("q.gift", text.encode()), "format": "gift"}
    )
    assert "with 1 image" in preview.content.decode()
    assert educator_client.post(url, {"payload": preview.context["payload"]}).status_code == 302
    assert BankMedia.objects.filter(bank=educator_bank).count() == 1


def test_moodle_19_image_base64_is_kept_below_the_text_without_alt_text():
    legacy = multichoice("<p>What rhythm?</p>").replace(
        "<single>", f"<image>strip.png</image><image_base64>{b64(RED)}</image_base64><single>"
    )
    result = moodlexml.parse(xml(legacy))
    assert result.bank.questions[0].stem == f"What rhythm?\n\n![](media:{RED_NAME})"
    assert media_of(result.bank) == {RED_NAME: RED} and result.warnings == []


def test_a_moodle_19_image_left_on_the_old_site_skips_its_question():
    ok = multichoice("<p>OK?</p>").replace("<text>ecg</text>", "<text>ok</text>")
    legacy = multichoice("<p>What rhythm?</p>").replace("<single>", "<image>strip.png</image><single>")
    result = moodlexml.parse(xml(legacy, ok))
    assert [q.key for q in result.bank.questions] == ["ok"]
    assert "not embedded in the file" in result.warnings[0]
