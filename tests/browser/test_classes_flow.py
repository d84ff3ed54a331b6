"""Classes in a real browser: the demo educator creates a class and assigns the MMN exam; two learners join
with the code and take it; the educator sees both in the gradebook, downloads the CSV, opens a learner's
review and the exam's item analysis."""

import csv
import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect

from quizzes.demo import EDUCATORS, LEARNERS
from quizzes.models import Attempt, Membership
from tests.browser.answering import answer_anything
from tests.browser.conftest import TIMEOUT_MS, sign_in

CLASS = "Neurology nursing, spring"
EXAM = "Exam: MMN (25 questions, 30 minutes)"
SECOND = ("bea", "second-learner-2026")


def log_in_page(browser: Browser, live_server, username: str, password: str) -> Page:
    """A browser context of its own for another person, logged in the way a person does."""
    page = browser.new_context().new_page()
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, live_server.url, username, password)
    return page


def join_and_take_the_exam(page: Page, code: str, questions: int) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    expect(page.get_by_role("heading", level=1, name="Classes I joined")).to_be_visible()
    # typed the way a person might: lower case, with a dash
    page.get_by_role("textbox", name="Join code").fill(f"{code[:3].lower()}-{code[3:].lower()}")
    page.get_by_role("button", name="Join a class").click()
    expect(page.get_by_role("status").filter(has_text=f"You joined {CLASS}.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(re.escape(EXAM)))
    expect(row).to_contain_text("To do")

    row.get_by_role("link", name=f"Start {EXAM}").click()  # the exam's rules first
    page.get_by_role("button", name=f"Start the clock {EXAM}").click()
    card = page.locator("#question-card")
    heading = card.get_by_role("heading", level=2)
    for number in range(1, questions + 1):
        expect(heading).to_have_text(f"Question {number} of 25")
        answer_anything(card)  # any item type, through its own controls
        card.get_by_role("button", name="Save and next").click()
    expect(heading).to_have_text(f"Question {questions + 1} of 25")
    card.get_by_role("link", name="Review and submit").click()
    page.get_by_role("button", name="Submit exam").click()
    page.get_by_role("button", name=re.compile(r"^Yes, submit with \d+ unanswered")).click()
    expect(page.get_by_role("heading", level=1, name=f"Results: {EXAM}")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Your score")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    expect(page.get_by_role("row", name=re.compile(re.escape(EXAM)))).to_contain_text("Done")


@pytest.mark.django_db(transaction=True)
def test_a_class_takes_the_exam_and_its_educator_reads_the_results(
    page: Page, browser: Browser, live_server, demo, log_in, tmp_path
):
    second = User.objects.create_user(SECOND[0], password=SECOND[1])
    second.groups.add(Group.objects.get(name=LEARNERS))

    # The educator creates a class and assigns the exam with a due date.
    log_in(*demo[EDUCATORS])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    page.get_by_role("link", name="manage the classes you teach").click()
    expect(page.get_by_role("heading", level=1, name="My classes")).to_be_visible()
    page.get_by_role("link", name="New class").click()
    page.get_by_role("textbox", name="Class name").fill(CLASS)
    page.get_by_role("button", name="Create class").click()
    expect(page.get_by_role("heading", level=1, name=CLASS)).to_be_visible()
    code = page.locator(".join-code--large").inner_text()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code), code
    expect(page.get_by_role("status").filter(has_text=f"Its join code is {code}.")).to_be_visible()

    assign = page.get_by_role("group", name="Assign a quiz")
    assign.get_by_role("combobox", name="Quiz").select_option(
        label=f"Multifocal Motor Neuropathy (MMN): {EXAM}"
    )
    assign.get_by_label("Due (optional)").fill("2040-06-01T09:00")
    assign.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status").filter(has_text=f"“{EXAM}” assigned to {CLASS}.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(re.escape(EXAM)))).to_contain_text("1 Jun 2040, 09:00")

    # Two learners, each in a browser of their own, join with the code and take the exam.
    for (username, password), questions in ((demo[LEARNERS], 4), (SECOND, 3)):
        learner = log_in_page(browser, live_server, username, password)
        try:
            join_and_take_the_exam(learner, code, questions)
        finally:
            learner.context.close()
    assert Membership.objects.filter(classroom__name=CLASS).count() == 2
    assert Attempt.objects.finished().filter(quiz__title=EXAM).count() == 2

    # The educator's gradebook: both learners, a score and a status in words for each.
    page.get_by_role("link", name="Gradebook").click()
    expect(page.get_by_role("heading", level=1, name=f"Gradebook: {CLASS}")).to_be_visible()
    table = page.locator("table.gradebook")
    learner_name = demo[LEARNERS][0]
    for username in (learner_name, SECOND[0]):
        expect(table.get_by_role("rowheader", name=username, exact=True)).to_be_visible()
        expect(table.get_by_role("row", name=re.compile(rf"^{username}\b"))).to_contain_text("Done")
    # sorting by learner, the other way round, swaps the table in place
    page.evaluate("window.__marker = 1")
    table.get_by_role("link", name=re.compile(r"^Learner")).click()
    expect(table.locator("th[aria-sort='descending']")).to_contain_text("Learner")
    expect(table.locator("tbody th").first).to_have_text(learner_name)  # "learner" after "bea"
    assert page.evaluate("window.__marker") == 1, "sorting reloaded the page"

    # The CSV holds both learners.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the gradebook (CSV)").click()
    path = tmp_path / "gradebook.csv"
    download.value.save_as(path)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["learner", EXAM, "average"]
    assert {row[0] for row in rows[1:-1]} == {learner_name, SECOND[0]}
    assert rows[-1][0] == "quiz average"

    # A cell opens that learner's review.
    table.get_by_role("link", name=re.compile(rf"review {SECOND[0]}'s attempt")).click()
    expect(page.get_by_role("heading", level=2, name=f"Score of {SECOND[0]}")).to_be_visible()
    expect(page.locator(".review-list > li")).to_have_count(25)

    # The exam's item analysis, from the class, over the class's two first attempts.
    page.go_back()
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=CLASS).click()
    page.get_by_role("link", name=f"Item analysis of {EXAM}").click()
    expect(page.get_by_role("heading", level=1, name=f"Item analysis: {EXAM}")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="2 attempts analyzed")).to_be_visible()
    expect(page.get_by_role("combobox", name="Class")).to_have_value(
        str(Membership.objects.filter(classroom__name=CLASS).first().classroom_id)
    )
    expect(page.locator(".item-stats").first).to_contain_text("Facility index")
    expect(page.get_by_role("link", name=re.compile("^Edit the question")).first).to_be_visible()
