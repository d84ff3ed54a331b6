"""Small images and bad files for the media tests, made on the spot (no binary fixtures in git)."""

import io
import struct
import zlib

from PIL import Image


def png(colour: str = "red", size: tuple[int, int] = (4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def image(kind: str, colour: str = "blue") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (5, 5), colour).save(out, kind)
    return out.getvalue()


def bomb(width: int = 40_000, height: int = 40_000) -> bytes:
    """A valid-looking PNG of a few hundred bytes whose header claims width x height pixels."""
    data = bytearray(png())
    # The IHDR chunk starts at byte 8: length (4), type (4), width (4), height (4), ..., then its CRC.
    struct.pack_into(">II", data, 16, width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    struct.pack_into(">I", data, 29, crc)
    return bytes(data)


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
