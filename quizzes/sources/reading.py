"""Reading an uploaded document (.txt, .md, .pdf, .docx) into text, refusing what cannot be read safely.

Nothing here writes anything: a refusal is an UnreadableDocument with a message for the author.
"""

import io
import zipfile
from pathlib import PurePath

MAX_BYTES = 5 * 1024 * 1024  # 5 MB
# A .docx is a zip: refuse one whose parts would unpack to more than this, or compress suspiciously well.
MAX_UNPACKED = 50 * 1024 * 1024
MAX_RATIO = 100
MAX_PDF_PAGES = 300
KINDS = (".txt", ".md", ".pdf", ".docx")


class UnreadableDocument(ValueError):
    """Why an upload cannot be read, in words for the author."""


def read(name: str, raw: bytes) -> str:
    """The text of an uploaded document, Markdown-ish: headings as `#` lines, list items as `- ` lines."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in KINDS:
        kind = suffix or "a file without an extension"
        raise UnreadableDocument(f"A source must be a .txt, .md, .pdf or .docx file, not {kind}.")
    if len(raw) > MAX_BYTES:
        raise UnreadableDocument(f"The file is {len(raw):,} bytes; the limit is {MAX_BYTES:,} bytes (5 MB).")
    if not raw.strip():
        raise UnreadableDocument("The file is empty.")
    text = {".txt": _plain, ".md": _plain, ".pdf": _pdf, ".docx": _docx}[suffix](raw)
    if not text.strip():
        raise UnreadableDocument("The file holds no text to split into passages.")
    return text


def _plain(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UnreadableDocument(f"Line {line} of the file is not UTF-8 text.") from None


def _pdf(raw: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not raw.startswith(b"%PDF-"):
        raise UnreadableDocument("The file is not a PDF (it does not start as one).")
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise UnreadableDocument(
                "The PDF is encrypted (password-protected): save a copy without a password."
            )
        if len(reader.pages) > MAX_PDF_PAGES:
            raise UnreadableDocument(f"The PDF has {len(reader.pages)} pages; the limit is {MAX_PDF_PAGES}.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        raise UnreadableDocument("The PDF is damaged or not a PDF this app can read.") from None
    text = "\n\n".join(_pdf_headings(page) for page in pages)
    if not text.strip():
        raise UnreadableDocument(
            "The PDF has no text layer (a scanned document?): run it through text recognition first."
        )
    return text


def _pdf_headings(text: str) -> str:
    """A PDF page's text with its headings on lines of their own, marked as Markdown headings.

    A PDF's text has no blank lines between paragraphs: a short line that starts with a capital, does not
    end like a sentence and follows the end of a sentence (or starts the page) is taken for a heading.
    """
    out, previous = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        ends_sentence = not previous or previous.endswith((".", "!", "?", ":"))
        if (
            stripped
            and len(stripped) <= 80
            and stripped[0].isupper()
            and not stripped.endswith((".", ",", ";", ":"))
            and ends_sentence
        ):
            out.append(f"\n# {stripped}\n")
        else:
            out.append(line)
        previous = stripped or previous
    return "\n".join(out)


def _docx(raw: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableDocument("The file is not a Word document (.docx).") from None
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise UnreadableDocument(
            "The Word document would unpack to far more than it holds (a zip bomb?): it was not read."
        )
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError, AttributeError):
        raise UnreadableDocument("The file is not a Word document (.docx) this app can read.") from None
    lines = []
    for paragraph in document.paragraphs:
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.startswith("Heading") or style == "Title":
            lines.append(f"\n# {text}\n")
        elif style.startswith("List"):
            lines.append(f"- {text}")
        else:
            lines.append(f"\n{text}\n")
    return "\n".join(lines)
