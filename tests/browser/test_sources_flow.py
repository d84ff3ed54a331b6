"""Sources in a real browser: an educator adds documents and writes from them; a learner reads what a
question rests on.

The demo educator uploads a PDF and a Word file (both made here), fixes a split (merges two passages,
renames a section), writes a question from a passage no question cites, then revises the source and sees
the question flagged for review. The demo learner answers a practice question, sees the cited passage of
the fact sheet under the explanation, and follows it to the sheet with the passage highlighted.
"""

import pytest
from playwright.sync_api import Browser, Page, expect

from quizzes.demo import EDUCATORS, LEARNERS
from quizzes.models import NeedsReview, Source
from tests.browser.answering import answer_anything
from tests.browser.conftest import TIMEOUT_MS, sign_in, start_quiz
from tests.sources.documents import make_docx, make_pdf

PDF_LINES = [
    "Caring for MMN",
    "IVIG is given by infusion. Infusions are repeated every few weeks.",
    "Watch for",
    "Weakness in the hands may return before the next infusion.",
]


def upload(page: Page, name: str, raw: bytes, mime: str) -> None:
    page.get_by_label("Or upload a document").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": raw}]
    )


@pytest.mark.django_db(transaction=True)
def test_educator_adds_sources_writes_from_a_passage_and_sees_stale_questions(
    page: Page, live_server, demo, log_in
):
    log_in(*demo[EDUCATORS])
    page.goto(f"{live_server.url}/author/banks/mmn/")
    expect(page.get_by_role("heading", level=2, name="Sources")).to_be_visible()

    # A Word document: headings become sections.
    page.get_by_role("link", name="Add a source").click()
    page.get_by_label("Title", exact=True).fill("Infusion leaflet")
    docx = make_docx([("Heading 1", "Before the infusion"), ("", "Drink water. Eat as usual.")])
    upload(
        page, "leaflet.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    page.get_by_role("button", name="Preview the split").click()
    expect(page.get_by_role("group", name="Section 1: Before the infusion")).to_be_visible()
    page.get_by_role("button", name="Save the source").click()
    expect(page.get_by_role("heading", level=2, name="Coverage: 0%")).to_be_visible()

    # A PDF: the split is fixed (two passages merged, a section renamed) before it is saved.
    page.goto(f"{live_server.url}/author/banks/mmn/sources/new/")
    page.get_by_label("Title", exact=True).fill("Care notes")
    upload(page, "care.pdf", make_pdf(PDF_LINES), "application/pdf")
    page.get_by_role("button", name="Preview the split").click()
    expect(page.get_by_text("3 passages in 2 sections")).to_be_visible()
    page.get_by_role("button", name="Merge with the next passage (caring-for-mmn-01)").click()
    expect(page.get_by_text("2 passages in 2 sections")).to_be_visible()
    expect(page.get_by_label("Passage caring-for-mmn-01")).to_have_value(
        "IVIG is given by infusion. Infusions are repeated every few weeks."
    )
    page.get_by_label("Section name").nth(1).fill("Signs to report")
    page.get_by_role("button", name="Apply the section names and edits").click()
    expect(page.get_by_role("group", name="Section 2: Signs to report")).to_be_visible()
    page.get_by_role("button", name="Save the source").click()
    expect(page.get_by_role("heading", level=2, name="Coverage: 0%")).to_be_visible()
    source = Source.objects.get(title="Care notes")
    assert source.current_version.passages.count() == 2

    # Write a question from an uncited passage: the editor opens with it cited and shown beside the form.
    page.get_by_role("link", name="Write a question from this passage (caring-for-mmn-01)").click()
    page.get_by_role("link", name="True or false from passage caring-for-mmn-01").click()
    expect(page.get_by_role("heading", level=2, name="Writing from this passage")).to_be_visible()
    cited = page.locator("#question-form input[name=cites]:checked")
    expect(cited).to_have_count(1)
    expect(page.get_by_role("checkbox", name="IVIG is given by infusion.")).to_be_checked()
    page.get_by_role("textbox", name="Question").fill("IVIG infusions are repeated every few weeks.")
    page.get_by_role("textbox", name="Explanation").fill("The care notes say infusions are repeated.")
    page.get_by_role("radio", name="True").check()
    page.get_by_role("textbox", name="Rationale for “True”").fill("Yes: they are repeated.")
    page.get_by_role("textbox", name="Rationale for “False”").fill("They are repeated.")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Question saved.")).to_be_visible()
    page.goto(f"{live_server.url}/author/source-versions/{source.current_version_id}/coverage/")
    expect(page.get_by_role("heading", level=2, name="Coverage: 50%")).to_be_visible()

    # Revise the source: the edited passage is shown as a diff, and its question is flagged.
    page.get_by_role("link", name="Revise the source").click()
    page.get_by_label("Paste the text (plain text or Markdown)").fill(
        "# Caring for MMN\n\n"
        "IVIG is given by infusion, and infusions are repeated every two to five weeks.\n\n"
        "# Signs to report\n\nWeakness in the hands may return before the next infusion."
    )
    page.get_by_role("button", name="Compare with the current version").click()
    expect(page.get_by_text("1 unchanged, 1 edited, 0 removed, 0 added")).to_be_visible()
    expect(page.locator("ins", has_text="two to five")).to_be_visible()
    page.get_by_role("button", name="Save as version 2").click()
    expect(page.get_by_text("1 question citing an edited or removed passage need review")).to_be_visible()
    assert NeedsReview.objects.count() == 1
    page.goto(f"{live_server.url}/author/banks/mmn/questions/?q=repeated+every+few")
    expect(page.locator("#question-results").get_by_text("Needs review")).to_be_visible()
    page.get_by_role("button", name="Confirm it still holds").click()
    expect(page.get_by_text("still matches its source")).to_be_visible()
    assert NeedsReview.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_learner_sees_the_cited_passage_after_answering_and_reads_it_highlighted(
    page: Page, browser: Browser, live_server, demo
):
    sign_in(page, live_server.url, *demo[LEARNERS])
    card, _heading = start_quiz(page, "Practice: Treatment", 10)
    expect(card).not_to_contain_text("From Multifocal Motor Neuropathy")
    answer_anything(card)
    card.get_by_role("button", name="Check answer").click()
    quote = card.locator(".source-quote").first
    expect(
        card.get_by_text("From Multifocal Motor Neuropathy (MMN): patient-education fact sheet:")
    ).to_be_visible()
    expect(quote).to_be_visible()
    cited = quote.locator("p").first.inner_text()
    quote.get_by_role("link", name="Read it in the whole source").click()
    expect(
        page.get_by_role(
            "heading", level=1, name="Multifocal Motor Neuropathy (MMN): patient-education fact sheet"
        )
    ).to_be_visible(timeout=TIMEOUT_MS)
    highlighted = page.locator("mark")
    expect(highlighted).to_have_count(1)
    expect(highlighted).to_have_text(cited)
    expect(highlighted).to_be_in_viewport()
