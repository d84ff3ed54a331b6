"""Issue 21: files written elsewhere import as Moodle's own parsers (qformat_gift, qformat_xml) read them.

One test per bug the issue lists, each with the issue's minimal repro.
"""

import pytest

from quizzes.formats import convert, gift, moodlexml
from quizzes.formats.bankfile import BankFileError
from quizzes.formats.common import html_to_text


def gift_one(text: str):
    result = gift.parse(text)
    assert len(result.bank.questions) == 1, result.bank.questions
    return result.bank.questions[0], result.warnings


def xml(*questions: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


# 1. Numeric answers with wrong-answer feedback (Moodle's own export form).
@pytest.mark.parametrize("block", ["{#3:2~#Completely wrong}", "{#\n\t=%100%3:2#\n\t~#Completely wrong\n}"])
def test_numeric_with_feedback_for_wrong_answers_reads_the_answer(block):
    question, warnings = gift_one(f"Q? {block}")
    assert question.type == "numeric"
    assert question.spec["accept"] == {"value": 3, "tolerance": 2}
    assert warnings == ["line 1: the feedback for other (wrong) answers is not carried over"]


# 2. Format markers on question text, answers, feedback and matching premises.
def test_format_markers_are_read_on_every_part():
    question, _ = gift_one("Q? {=[plain]yellow#[html]<b>right</b> ~[moodle]red ~blue}")
    options = {o["text"]: o for o in question.spec["options"]}  # stored in the neutral order
    assert set(options) == {"yellow", "red", "blue"}
    assert options["yellow"]["rationale"] == "right" and options["yellow"]["correct"]


@pytest.mark.parametrize("marker", ["[html]", "[moodle]", "[plain]", "[markdown]"])
def test_a_format_marker_before_a_matching_premise_is_not_text(marker):
    question, _ = gift_one(f"Match. {{={marker}IVIG -> First-line ={marker}Steroids -> Worse}}")
    assert [p["text"] for p in question.spec["premises"]] == ["IVIG", "Steroids"]


def test_a_format_marker_before_general_feedback_is_not_text():
    question, _ = gift_one("[html]<p>Q?</p> {=a ~b ####[html]<p>Because.</p>}")
    assert (question.stem, question.explanation) == ("Q?", "Because.")


# 3. "->" inside a multiple-choice answer: still multiple choice (Moodle: a "~" means choice).
def test_an_arrow_inside_a_choice_keeps_it_a_choice_and_our_export_reads_back():
    question, _ = gift_one("Q? {=UEFI -> POST ~POST -> UEFI ~x -> y}")
    assert question.type == "single"
    assert {o["text"]: o["correct"] for o in question.spec["options"]} == {
        "UEFI -> POST": True,
        "POST -> UEFI": False,
        "x -> y": False,
    }
    again = gift.parse(gift.dump(gift.parse("Q? {=UEFI -> POST ~POST -> UEFI ~x -> y}").bank)[0])
    assert again.bank.questions[0].spec == question.spec


# 4. HTML to text keeps the text and the line breaks.
def test_html_keeps_escaped_tags_as_text_and_breaks_as_lines():
    text = "<p>A</p><p>Write &lt;b&gt; for bold.<br />OK?</p>"
    assert html_to_text(text) == "A\n\nWrite <b> for bold.\nOK?"
    assert html_to_text("one<BR>two<br/>three") == "one\ntwo\nthree"
    assert html_to_text("<ul><li>first</li><li>second</li></ul>") == "- first\n- second"


def test_a_less_than_sign_in_gift_is_text():
    question, _ = gift_one("Is x<y and y>z? {T}")
    assert question.stem == "Is x<y and y>z?"


def test_html_in_moodle_xml_keeps_its_escaped_tags():
    q = (
        '<question type="truefalse"><name><text>n</text></name><questiontext format="html">'
        "<text><![CDATA[<p>A</p><p>Write &lt;b&gt; for bold.<br />OK?</p>]]></text></questiontext>"
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
        "</question>"
    )
    assert moodlexml.parse(xml(q)).bank.questions[0].stem == "A\n\nWrite <b> for bold.\nOK?"


# 5. Categories.
def test_names_without_ascii_letters_get_distinct_topics():
    result = gift.parse("$CATEGORY: Введение\n\nQ1? {T}\n\n$CATEGORY: Заключение\n\nQ2? {T}")
    slugs = [slug for slug, _ in result.bank.topics]
    assert len(set(slugs)) == 2
    assert [title for _, title in result.bank.topics] == ["Введение", "Заключение"]
    assert result.bank.questions[0].topic != result.bank.questions[1].topic


def test_the_same_name_under_different_parents_stays_two_topics():
    result = gift.parse("$CATEGORY: Unit 1/Quiz\n\nQ1? {T}\n\n$CATEGORY: Unit 2/Quiz\n\nQ2? {T}")
    assert [title for _, title in result.bank.topics] == ["Unit 1 / Quiz", "Unit 2 / Quiz"]
    assert result.bank.questions[0].topic != result.bank.questions[1].topic


def test_an_escaped_slash_is_a_slash_in_the_name():
    result = gift.parse("$CATEGORY: $course$/top/Signs // symptoms\n\nQ? {T}")
    assert [title for _, title in result.bank.topics] == ["Signs / symptoms"]


@pytest.mark.parametrize("context", ["$module$", "$course$", "$system$", "$coursecategory$"])
def test_the_context_and_top_are_not_topics(context):
    result = gift.parse(f"$CATEGORY: {context}/top/Signs\n\nQ? {{T}}")
    assert [title for _, title in result.bank.topics] == ["Signs"]
    category = f'<question type="category"><category><text>{context}/top/Signs</text></category></question>'
    tf = (
        '<question type="truefalse"><name><text>n</text></name><questiontext><text>Q?</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
        "</question>"
    )
    assert [t for _, t in moodlexml.parse(xml(category, tf)).bank.topics] == ["Signs"]


@pytest.mark.parametrize("path", ["$module$/top", "$course$/top", "top"])
def test_a_path_that_is_only_a_context_is_the_default_topic(path):
    result = gift.parse(f"$CATEGORY: {path}\n\nQ? {{T}}")
    assert [title for _, title in result.bank.topics] == ["Imported"]


def test_a_topic_title_with_a_slash_is_escaped_on_export_and_reads_back():
    bank = gift.parse("$CATEGORY: $course$/top/Signs // symptoms\n\nQ? {T}").bank
    text, _ = gift.dump(bank)
    assert "$CATEGORY: $course$/top/Signs // symptoms" in text
    assert gift.parse(text).bank.topics == bank.topics
    assert moodlexml.parse(moodlexml.dump(bank)[0]).bank.topics == bank.topics


# 6. When a file is refused, its warnings are kept.
def test_a_refused_file_keeps_its_warnings():
    with pytest.raises(BankFileError) as caught:
        convert.parse("Describe MMN. {}\n\nQ? {=a ~b", "gift")
    assert caught.value.errors == ["line 3: the answer block opened with { is never closed"]
    assert caught.value.warnings == ["line 1: an essay question is not supported, skipped"]


# 7. Wildcards, usecase, partial credit: never a changed key.
def test_a_lone_star_is_moodles_catch_all_not_an_answer():
    question, warnings = gift_one("Q? {=IVIG =%0%*#Not quite.}")
    assert [a["text"] for a in question.spec["answers"]] == ["IVIG"]
    assert warnings == ["line 1: the wrong answer '*' (a * wildcard) and its feedback dropped"]


def test_a_wildcard_in_a_right_answer_skips_the_question():
    result = gift.parse("Q? {=IV*G}\n\nR? {=IVIG}")
    assert [q.stem for q in result.bank.questions] == ["R?"]
    assert "uses the * wildcard" in result.warnings[0]


def test_an_escaped_star_is_a_star():
    question, _ = gift_one("Q? {=a\\*b}")
    assert question.spec["answers"][0]["text"] == "a*b"


def shortanswer_xml(usecase: str, *answers: tuple[str, int]) -> str:
    body = "".join(f'<answer fraction="{f}"><text>{t}</text></answer>' for t, f in answers)
    return (
        '<question type="shortanswer"><name><text>n</text></name><questiontext><text>Q?</text>'
        f"</questiontext><usecase>{usecase}</usecase>{body}</question>"
    )


def test_a_case_sensitive_short_answer_is_skipped_not_made_case_blind():
    result = moodlexml.parse(xml(shortanswer_xml("1", ("IVIG", 100)), shortanswer_xml("0", ("IVIG", 100))))
    assert len(result.bank.questions) == 1
    assert "case-sensitive short answer" in result.warnings[0]


def test_a_case_sensitive_answer_without_letters_is_imported():
    result = moodlexml.parse(xml(shortanswer_xml("1", ("42", 100))))
    assert [a["text"] for a in result.bank.questions[0].spec["answers"]] == ["42"]


def test_partial_credit_short_answer_is_skipped_not_read_as_right():
    result = gift.parse("Q? {=IVIG =%25%steroids}\n\nR? {=IVIG}")
    assert [q.stem for q in result.bank.questions] == ["R?"]
    assert "partial credit (25% for 'steroids')" in result.warnings[0]


def test_partial_credit_short_answer_in_xml_is_skipped():
    with pytest.raises(BankFileError) as caught:
        moodlexml.parse(xml(shortanswer_xml("0", ("IVIG", 100), ("steroids", 25))))
    assert caught.value.errors == ["the file holds no question that can be imported"]
    assert "partial credit (25% for 'steroids')" in caught.value.warnings[0]


# 8. Our own limits skip the question, not the file.
def test_an_over_long_short_answer_skips_only_its_question():
    result = gift.parse(f"Q? {{={'x' * 201}}}\n\nR? {{=IVIG}}")
    assert [q.stem for q in result.bank.questions] == ["R?"]
    assert "201 characters long" in result.warnings[0]


def test_a_question_whose_text_is_only_its_title_is_imported():
    question, _ = gift_one("::What treats MMN?::{=IVIG ~Steroids}")
    assert question.stem == "What treats MMN?"
    assert question.key == "what-treats-mmn"


# 9. Absent feedback is absent.
def test_absent_feedback_is_absent_and_not_exported():
    question, warnings = gift_one("Q? {=a ~b}")
    assert (question.explanation, question.source_section) == ("", "")
    assert [o["rationale"] for o in question.spec["options"]] == ["", ""]
    assert warnings == []
    data = gift.parse("Q? {=a ~b}").bank
    text, _ = gift.dump(data)
    assert "####" not in text and "#" not in text.split("::q::")[1]
    assert "No feedback" not in moodlexml.dump(data)[0]


# Media are never dropped silently: a question whose image cannot be read (here a PNG cut short after its
# signature) or with other media is skipped, with a warning by line (readable images: tests/formats/
# test_media_formats.py).
@pytest.mark.parametrize(
    ("text", "why"),
    [
        (
            'Which nerve? <img src="data:image/png;base64,iVBORw0KGgo=" alt="arm"> {=ulnar ~radial}',
            "an embedded image cannot be used (the file is not an image that can be read",
        ),
        ('Which nerve? {=ulnar#<img src="@@PLUGINFILE@@/arm.png"> ~radial}', "media other than an embedded"),
        ('Listen. <audio src="https://example.org/a.mp3"></audio> {=ulnar ~radial}', "audio, video"),
    ],
    ids=["data-uri", "pluginfile-in-feedback", "audio"],
)
def test_a_gift_question_with_media_it_cannot_read_is_skipped_with_a_warning(text, why):
    result = gift.parse(f"{text}\n\nR? {{T}}")
    assert [q.stem for q in result.bank.questions] == ["R?"]
    assert result.warnings[0].startswith("line 1: ") and why in result.warnings[0]
    assert result.warnings[0].endswith("skipped") and not result.bank.media


def test_a_moodle_xml_question_with_an_unreadable_embedded_file_is_skipped_with_a_warning():
    q = (
        '<question type="truefalse"><name><text>n</text></name><questiontext format="html">'
        '<text><![CDATA[<p>Q? <img src="@@PLUGINFILE@@/arm.png" alt="arm"></p>]]></text>'
        '<file name="arm.png" path="/" encoding="base64">iVBORw0KGgo=</file></questiontext>'
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
        "</question>"
    )
    tf = q.replace('<img src="@@PLUGINFILE@@/arm.png" alt="arm">', "").replace(
        '<file name="arm.png" path="/" encoding="base64">iVBORw0KGgo=</file>', ""
    )
    result = moodlexml.parse(xml(q, tf))
    assert len(result.bank.questions) == 1 and not result.bank.media
    assert "an embedded image cannot be used" in result.warnings[0]


def test_leaving_out_errors_also_leaves_out_a_question_the_database_cannot_hold():
    text = "::ok::Q? {=a ~b}\n\n::bad::Q\u000b? {=a ~b}"
    with pytest.raises(BankFileError):
        convert.parse(text, "gift")
    result = convert.parse(text, "gift", leave_out_errors=True)
    assert [q.key for q in result.bank.questions] == ["ok"]
    assert len(result.left_out) == 1 and result.left_out[0].startswith("line 3: question bad")


def test_a_long_category_name_is_shortened_not_a_crash():
    result = gift.parse("$CATEGORY: " + "x" * 300 + "\n\nQ? {T}")
    assert result.bank.topics[0][1] == "x" * 200


def test_leaving_out_errors_still_refuses_a_file_whose_topic_cannot_be_stored():
    with pytest.raises(BankFileError) as caught:
        convert.parse("$CATEGORY: Sig\u0001ns\n\nQ? {T}", "gift", leave_out_errors=True)
    assert "control character" in caught.value.errors[0]
