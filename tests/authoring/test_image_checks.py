"""The item-writing check for images without alt text, and images read as their alt text by the others."""

from quizzes.authoring.checks import check_item
from quizzes.formats.bankfile import QuestionData

NAME = "a" * 64 + ".png"


def single(stem: str, key: str = "Sinus rhythm", rationale: str = "") -> QuestionData:
    options = [{"text": key, "correct": True, "rationale": rationale}] + [
        {"text": t, "correct": False, "rationale": ""}
        for t in ("Atrial flutter", "Asystole", "Ventricular pacing")
    ]
    return QuestionData("q", "t", "single", "medium", "", stem, "", {"options": options})


def checks(q: QuestionData) -> dict[str, str]:
    return {f.check: f.field for f in check_item(q)}


def test_an_image_without_alt_text_is_flagged_where_it_is():
    found = check_item(single(f"What rhythm? ![](media:{NAME})"))
    flagged = [f for f in found if f.check == "image-alt-text"]
    assert [(f.field, f.message[:30]) for f in flagged] == [("stem", "1 image in stem has no alt tex")]


def test_an_option_rationale_image_without_alt_text_names_its_field():
    assert checks(single("What rhythm?", rationale=f"See ![ ](media:{NAME})"))["image-alt-text"] == (
        "options.0.rationale"
    )


def test_an_image_with_alt_text_is_not_flagged():
    assert "image-alt-text" not in checks(single(f"What rhythm? ![An ECG strip, lead II](media:{NAME})"))


def test_the_other_checks_read_an_image_as_its_alt_text():
    # The key's image name (64 characters) would make it "the longest option by far".
    assert "key-longest" not in checks(single("What rhythm?", key=f"![Sinus](media:{NAME})"))
    assert "key-longest" in checks(single("What rhythm?", key="Sinus " + "x" * 80))
