"""The style guide (/style/) shows every component with DEBUG on and is a 404 otherwise; with
DESIGNED_ERROR_PAGES on, DEBUG shows the app's own error pages instead of Django's technical ones."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

STYLE = reverse("quizzes:style-guide")
COMPONENTS = (
    "Tokens",
    "Buttons",
    "Cards",
    "Badges",
    "Alerts",
    "Form fields",
    "Tables",
    "Navigator",
    "Progress",
)


def test_style_guide_is_a_404_without_debug(client, learner_client):
    assert client.get(STYLE).status_code == 404
    assert learner_client.get(STYLE).status_code == 404


@override_settings(DEBUG=True)
def test_style_guide_shows_every_component_with_debug(client):
    response = client.get(STYLE)
    page = response.content.decode()
    assert response.status_code == 200
    for name in (*COMPONENTS, "Charts", "Icons"):
        assert f'id="{name.lower().replace(" ", "-")}">{name}</h2>' in page, name
    for token in ("--accent", "--scale-1", "--text-2xl", "--space-6", "--radius-pill"):
        assert f"<code>{token}</code>" in page
    assert 'class="score-chart"' in page and 'class="ring"' in page and 'class="count-bars"' in page


def test_style_guide_refuses_a_post(client):
    with override_settings(DEBUG=True):
        assert client.post(STYLE).status_code == 405


@override_settings(DEBUG=True, DESIGNED_ERROR_PAGES=True)
def test_debug_shows_the_designed_404_when_asked(client, learner_client):
    for response in (
        client.get("/no-such-page/"),
        learner_client.get("/attempts/00000000-0000-4000-8000-000000000000/"),
    ):
        page = response.content.decode()
        assert response.status_code == 404
        assert "<h1>Not found</h1>" in page and 'class="error-page"' in page and "technical" not in page


@override_settings(DEBUG=True, DESIGNED_ERROR_PAGES=True)
def test_debug_shows_the_designed_403_when_asked(learner_client):
    response = learner_client.get(reverse("quizzes:bank-list"))
    assert response.status_code == 403 and "<h1>Not allowed</h1>" in response.content.decode()


@override_settings(DEBUG=True, DESIGNED_ERROR_PAGES=False)
def test_debug_keeps_django_s_technical_404_unless_asked(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and 'class="error-page"' not in response.content.decode()


def test_the_designed_500_page_uses_the_app_s_stylesheet(settings):
    html = (settings.BASE_DIR / "templates" / "500.html").read_text("utf-8")
    assert '<link rel="stylesheet" href="/static/css/app.css">' in html and "{%" not in html


@override_settings(DEBUG=True, DESIGNED_ERROR_PAGES=True)
def test_debug_shows_the_designed_500_when_asked(client, monkeypatch):
    from quizzes.views import style

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(style, "render", broken)
    client.raise_request_exception = False
    response = client.get(STYLE)
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()
