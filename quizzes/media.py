"""Question images: what may be stored, how a question's text refers to one, and the rules every way in
(the editor's upload, GIFT, Moodle XML and bank-file imports) shares. Pure: no models, no storage.

A stored image is named by the SHA-256 of its bytes and its kind (`<64 hex>.png`), so the same picture
is stored once and its name never changes. Question text refers to it as Markdown,
`![alt text](media:<name>)`: the reference lives in the version's own text, so versions stay immutable,
and the renderer (quizzes.text) turns only such references into <img> tags pointing at our own media
view; any other image syntax is shown as its alt text.
"""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image

# Uploads and embedded files larger than this are refused: a question's figure is tens of kilobytes.
MAX_BYTES = 2 * 1024 * 1024
# More pixels than this is a decompression bomb (a few kilobytes that unpack to gigabytes), not a figure:
# 25 megapixels is a 5000 x 5000 photograph.
MAX_PIXELS = 25_000_000
# The kinds served, by Pillow's format name: (file extension, Content-Type). SVG is not among them: it is
# a document that can carry script.
KINDS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = {ext: content_type for ext, content_type in KINDS.values()}
NAME = re.compile(r"[0-9a-f]{64}\.(?:png|jpg|gif|webp)")
# `![alt](media:<name>)`, the alt text with Markdown's backslash escapes.
REFERENCE = re.compile(r"!\[((?:\\.|[^\\\]])*)\]\(media:([0-9a-f]{64}\.(?:png|jpg|gif|webp))\)")
MAX_ALT = 500


class MediaError(ValueError):
    """Bytes that are not an image we keep, with a message for the person who sent them."""


@dataclass(frozen=True)
class ImageInfo:
    name: str
    content_type: str
    size: int
    width: int
    height: int


def inspect(data: bytes) -> ImageInfo:
    """Who the bytes are, or a MediaError saying why they are refused: too big, not an image, an image
    kind we do not serve (SVG, BMP, TIFF...), a decompression bomb, or a damaged file."""
    if len(data) > MAX_BYTES:
        raise MediaError(f"the image is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes (2 MB)")
    if not data:
        raise MediaError("the file is empty")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        raise MediaError("SVG images are not accepted (they can carry scripts); use PNG, JPEG, GIF or WebP")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise MediaError(
                        f"the image is {width:,} x {height:,} pixels; the limit is {MAX_PIXELS:,} pixels"
                    )
                if kind not in KINDS:
                    raise MediaError(f"{kind or 'this'} images are not accepted; use PNG, JPEG, GIF or WebP")
                image.verify()  # reads the whole file: a truncated or damaged one is refused here
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaError(f"the image has more than {MAX_PIXELS:,} pixels (a decompression bomb?)") from None
    except Exception:  # Pillow raises many kinds (UnidentifiedImageError, OSError, SyntaxError...)
        raise MediaError("the file is not an image that can be read (PNG, JPEG, GIF or WebP)") from None
    ext, content_type = KINDS[kind]
    return ImageInfo(
        name=f"{hashlib.sha256(data).hexdigest()}.{ext}",
        content_type=content_type,
        size=len(data),
        width=width,
        height=height,
    )


def escape_alt(alt: str) -> str:
    """Alt text as the text of a Markdown image reference: one line, its brackets and backslashes escaped."""
    alt = " ".join(alt.split())[:MAX_ALT]
    return re.sub(r"([\\\[\]])", r"\\\1", alt)


def unescape_alt(alt: str) -> str:
    return re.sub(r"\\(.)", r"\1", alt)


def reference(name: str, alt: str = "") -> str:
    """The Markdown a question's text holds for the stored image `name`."""
    return f"![{escape_alt(alt)}](media:{name})"


def references(text: str) -> list[tuple[str, str]]:
    """(alt text, name) of every image `text` shows, in order."""
    return [(unescape_alt(alt), name) for alt, name in REFERENCE.findall(text or "")]


def storage_name(name: str) -> str:
    """Where the image lives in Django's default storage (one copy for every bank that holds it)."""
    return f"question-media/{name}"


def in_words(text: str) -> str:
    """`text` with each image as words ("[image: alt text]"), for places that show text only (the import
    preview, lists)."""
    return REFERENCE.sub(
        lambda m: f"[image: {unescape_alt(m.group(1))}]" if m.group(1).strip() else "[image, no alt text]",
        text or "",
    )
