"""An educator in a real browser imports a GIFT file: a broken question is shown with its line, the fixed
file previews with its counts, and after confirming the questions are in the bank."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from quizzes.demo import EDUCATORS
from quizzes.models import Bank

GIFT = """$CATEGORY: $course$/top/Imported treatment

::ivig-first-line::Which treatment is first-line for MMN? {
=IVIG#Right: it works within hours or days.
~Plasma exchange#It is ineffective and can worsen MMN.
####IVIG is the first-line treatment.
}

::steroids-help::Corticosteroids help MMN. {F#They can make MMN worse.#Right: they can worsen it.
####Corticosteroids are ineffective and can worsen MMN.}
"""
BROKEN = GIFT.replace("####IVIG is the first-line treatment.\n}", "####IVIG is the first-line treatment.")


@pytest.mark.django_db(transaction=True)
def test_educator_fixes_a_broken_gift_file_and_imports_it(page: Page, live_server, demo, log_in, tmp_path):
    bank = Bank.objects.get(slug="mmn")
    bank.owner = get_user_model().objects.get(username=demo[EDUCATORS][0])
    bank.save()
    log_in(*demo[EDUCATORS])
    page.goto(f"{live_server.url}/author/banks/mmn/")
    page.get_by_role("link", name="Import questions from a file").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import questions")

    broken = tmp_path / "questions.gift"
    broken.write_text(BROKEN, encoding="utf-8")
    page.get_by_label("File").set_input_files(str(broken))
    page.get_by_label("Format").select_option("gift")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("line 3: the answer block opened with { is never closed")).to_be_visible()
    assert not bank.questions.filter(key="ivig-first-line").exists()

    fixed = tmp_path / "fixed.gift"
    fixed.write_text(GIFT, encoding="utf-8")
    page.get_by_label("File").set_input_files(str(fixed))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("2 questions from this GIFT file")).to_be_visible()
    expect(page.get_by_role("row", name="Imported treatment 2")).to_be_visible()
    page.get_by_role("button", name="Import 2 questions").click()

    expect(page.get_by_text("2 new questions")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Imported treatment")).to_be_visible()
    assert set(bank.questions.filter(topic__title="Imported treatment").values_list("key", flat=True)) == {
        "ivig-first-line",
        "steroids-help",
    }
