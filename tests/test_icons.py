"""The favicon, the home-screen icons and the web app manifest: present, linked from every page, current."""

import json
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from quizzes.management.commands.makeicons import SIZES, png

STATIC = Path(settings.BASE_DIR) / "static"


def test_the_small_png_icon_is_what_makeicons_draws_today():
    assert (STATIC / "icons" / "icon-32.png").read_bytes() == png(32), "run: manage.py makeicons"


@pytest.mark.parametrize("name", sorted(SIZES))
def test_each_png_icon_is_a_png_of_its_size(name):
    data = (STATIC / "icons" / name).read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (SIZES[name], SIZES[name])


def test_the_manifest_names_the_app_and_icons_that_exist():
    manifest = json.loads((STATIC / "manifest.webmanifest").read_text("utf-8"))
    assert (
        manifest["name"] == "MMN Quiz"
        and manifest["display"] == "standalone"
        and manifest["start_url"] == "/"
    )
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert (STATIC / icon["src"]).exists(), icon["src"]


@pytest.mark.django_db
def test_every_page_links_the_icons_and_the_manifest(client):
    page = client.get(reverse("login")).content.decode()
    for href in ("icons/icon.svg", "icons/icon-32.png", "icons/icon-180.png", "manifest.webmanifest"):
        assert href in page, href
    assert '<svg class="sprite"' in page  # the icon sprite, once
    assert page.count('<svg class="sprite"') == 1
