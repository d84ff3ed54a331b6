"""Question images in a real browser: an educator imports a Moodle XML question whose stem and feedback show
images; a learner taking it sees the stem's image (loaded, with its alt text), and the feedback's image only
after answering."""

import base64
import io

import pytest
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import Page, expect

from quizzes import media
from quizzes.authoring import editing
from quizzes.demo import EDUCATORS, LEARNERS
from quizzes.models import Bank, Quiz
from tests.browser.conftest import sign_in, start_quiz


def png(colour: str, size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


STRIP, KEY = png("navy", (240, 80)), png("orange", (60, 60))
XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Rhythms</text></category></question>
  <question type="multichoice">
    <name><text>ecg-strip</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Which rhythm does this strip show?</p><p><img src="@@PLUGINFILE@@/strip.png"
        alt="An ECG strip: regular narrow complexes, a P wave before each" width="240"></p>]]></text>
      <file name="strip.png" path="/" encoding="base64">{base64.b64encode(STRIP).decode()}</file>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Look at the P waves.
        <img src="@@PLUGINFILE@@/key.png" alt="The P waves circled"></p>]]></text>
      <file name="key.png" path="/" encoding="base64">{base64.b64encode(KEY).decode()}</file>
    </generalfeedback>
    <single>true</single>
    <answer fraction="100"><text>Sinus rhythm</text></answer>
    <answer fraction="0"><text>Atrial fibrillation</text></answer>
    <answer fraction="0"><text>Atrial flutter</text></answer>
    <answer fraction="0"><text>Asystole</text></answer>
  </question>
</quiz>
"""


def loaded(page: Page, alt: str) -> bool:
    """Whether the image with this alt text loads (the media view served real pixels), once scrolled to."""
    page.get_by_role("img", name=alt).scroll_into_view_if_needed()
    page.wait_for_function(
        "alt => [...document.images].some(i => i.alt === alt && i.complete && i.naturalWidth > 0)", arg=alt
    )
    return True


@pytest.mark.django_db(transaction=True)
def test_an_imported_question_shows_its_image_with_its_alt_text(page: Page, live_server, demo, tmp_path):
    bank = Bank.objects.get(slug="mmn")
    bank.owner = get_user_model().objects.get(username=demo[EDUCATORS][0])
    bank.save()
    sign_in(page, live_server.url, *demo[EDUCATORS])
    page.goto(f"{live_server.url}/author/banks/mmn/import/")
    upload = tmp_path / "rhythms.xml"
    upload.write_text(XML, encoding="utf-8")
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_label("Format").select_option("moodlexml")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("1 question from this Moodle XML file, with 2 images.")).to_be_visible()
    expect(page.get_by_text("[image: An ECG strip: regular narrow complexes")).to_be_visible()
    page.get_by_role("button", name="Import 1 question").click()
    expect(page.get_by_text("1 new question")).to_be_visible()

    question = bank.questions.get(key="ecg-strip")
    editing.save_quiz(
        Quiz(
            bank=bank,
            title="Rhythm strips",
            selection=Quiz.Selection.FIXED,
            audience=Quiz.Audience.EVERYONE,
            shuffle_options=False,
        ),
        topics=[],
        questions=[question],
    )
    page.context.clear_cookies()
    sign_in(page, live_server.url, *demo[LEARNERS])
    card, _ = start_quiz(page, "Rhythm strips", 1)
    strip = "An ECG strip: regular narrow complexes, a P wave before each"
    expect(card.get_by_role("img", name=strip)).to_be_visible()
    assert loaded(page, strip)
    # The feedback's image is not in the page before the learner answers: not even its name.
    assert media.inspect(KEY).name not in page.content()
    card.get_by_label("Sinus rhythm").check()
    card.get_by_role("button", name="Check answer").click()
    expect(card.get_by_role("img", name="The P waves circled")).to_be_visible()
    assert loaded(page, "The P waves circled")
