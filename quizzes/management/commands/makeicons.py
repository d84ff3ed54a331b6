"""Write the app's PNG icons (favicon, home-screen icons) from the same drawing as static/icons/icon.svg.

No image library and no network: a tiny rasteriser (a rounded square, an "M" drawn as a thick polyline,
4 x 4 supersampling) and a PNG writer from the standard library (zlib, struct). The output is the same
bytes every run, so tests/test_icons.py can check the committed files are current.
"""

import math
import struct
import zlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

ACCENT = (11, 92, 173)  # --accent, light theme
WHITE = (255, 255, 255)
SIZES = {"icon-32.png": 32, "icon-180.png": 180, "icon-192.png": 192, "icon-512.png": 512}
# The drawing, in the 24 x 24 units of icon.svg: the square's corner radius, the M's points and width.
RADIUS = 6
M_POINTS = [(5, 16), (5, 8), (8.5, 13), (12, 8), (15.5, 13), (19, 8), (19, 16)]
M_WIDTH = 2.2
SAMPLES = 4


def _in_rounded_square(x: float, y: float, inset: float = 1) -> bool:
    lo, hi = inset, 24 - inset
    if not (lo <= x <= hi and lo <= y <= hi):
        return False
    cx = min(max(x, lo + RADIUS), hi - RADIUS)
    cy = min(max(y, lo + RADIUS), hi - RADIUS)
    return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS**2


def _near_m(x: float, y: float) -> bool:
    for (x1, y1), (x2, y2) in zip(M_POINTS, M_POINTS[1:], strict=False):
        dx, dy = x2 - x1, y2 - y1
        t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
        if math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)) <= M_WIDTH / 2:
            return True
    return False


def render(size: int) -> bytes:
    """RGBA rows of the icon at `size` x `size` pixels, each row led by PNG's filter byte (0)."""
    rows = bytearray()
    step = 24 / size
    for py in range(size):
        rows.append(0)
        for px in range(size):
            r = g = b = a = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px + (sx + 0.5) / SAMPLES) * step
                    y = (py + (sy + 0.5) / SAMPLES) * step
                    if not _in_rounded_square(x, y):
                        continue
                    colour = WHITE if _near_m(x, y) else ACCENT
                    r, g, b, a = r + colour[0], g + colour[1], b + colour[2], a + 255
            n = SAMPLES * SAMPLES
            covered = a // 255
            if covered:
                rows += bytes((r // covered, g // covered, b // covered, a // n))
            else:
                rows += bytes(4)
    return bytes(rows)


def png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8 bits, RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(render(size), 9))
        + chunk(b"IEND", b"")
    )


def icon_dir() -> Path:
    return Path(settings.BASE_DIR) / "static" / "icons"


class Command(BaseCommand):
    help = "Write static/icons/*.png (favicon and home-screen icons) from the drawing of icon.svg."

    def handle(self, *args, **options):
        for name, size in SIZES.items():
            (icon_dir() / name).write_bytes(png(size))
            self.stdout.write(f"wrote static/icons/{name} ({size} x {size})")
