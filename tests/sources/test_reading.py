"""Reading uploaded documents: what is read, and every refusal with its message."""

import pytest

from quizzes.sources.reading import MAX_BYTES, UnreadableDocument, read
from quizzes.sources.text import split
from tests.sources.documents import (
    encrypted_pdf,
    make_docx,
    make_pdf,
    textless_pdf,
    zip_bomb_docx,
)


def test_a_pdf_is_read_into_sections_and_passages():
    raw = make_pdf(["What is MMN?", "", "MMN is rare. It is treatable.", "", "Treatment", "", "IVIG helps."])
    drafts = split(read("sheet.pdf", raw))
    assert [(d.section, d.text) for d in drafts] == [
        ("What is MMN?", "MMN is rare."),
        ("What is MMN?", "It is treatable."),
        ("Treatment", "IVIG helps."),
    ]


def test_a_docx_keeps_its_headings_and_list_items():
    raw = make_docx(
        [
            ("Heading 1", "Symptoms"),
            ("", "Symptoms develop slowly. They are asymmetric."),
            ("List Bullet", "Muscle wasting"),
        ]
    )
    drafts = split(read("sheet.docx", raw))
    assert [(d.section, d.text) for d in drafts] == [
        ("Symptoms", "Symptoms develop slowly."),
        ("Symptoms", "They are asymmetric."),
        ("Symptoms", "Muscle wasting"),
    ]


def test_markdown_and_text_are_read_as_utf8():
    assert read("a.md", "# Title\n\nCafé au lait.".encode()) == "# Title\n\nCafé au lait."
    assert read("a.txt", b"\xef\xbb\xbfPlain.") == "Plain."


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("sheet.pdf", b"Not a PDF at all", "not a PDF"),
        ("sheet.pdf", b"%PDF-1.4\ngarbage", "damaged or not a PDF"),
        ("sheet.pdf", encrypted_pdf(), "encrypted"),
        ("sheet.pdf", textless_pdf(), "no text layer"),
        ("sheet.docx", b"PK\x03\x04 not really a zip", "not a Word document"),
        ("sheet.docx", zip_bomb_docx(), "zip bomb"),
        ("sheet.exe", b"MZ", "must be a .txt, .md, .pdf or .docx"),
        ("sheet.txt", b"", "empty"),
        ("sheet.txt", b"caf\xe9", "not UTF-8"),
        ("sheet.txt", b"a" * (MAX_BYTES + 1), r"the limit is 5,242,880 bytes \(5 MB\)"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(name, raw, message):
    with pytest.raises(UnreadableDocument, match=message):
        read(name, raw)
