"""The production profile: refuses to start half-configured, passes check --deploy, sends security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-only-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "quiz.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean production environment, without the test run's own settings (the conftest allows async-unsafe).
    ignored = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_profile_passes_check_deploy_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_profile_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


@pytest.mark.django_db
def test_pages_send_the_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in csp and "script-src 'self' 'nonce-" in csp and "frame-ancestors 'none'" in csp
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()  # htmx is loaded with the nonce


def test_production_cookies_are_secure_and_hsts_is_on():
    flags = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_HSTS_SECONDS > 0",
        "SECURE_SSL_REDIRECT",
        "STORAGES['staticfiles']['BACKEND'].startswith('whitenoise')",
    ]
    code = "from django.conf import settings as s; print(" + ", ".join(f"s.{flag}" for flag in flags) + ")"
    result = manage("shell", "-c", code, **PRODUCTION)
    assert result.stdout.splitlines()[-1].split() == ["True"] * len(flags), result.stderr


def test_with_redis_url_the_cache_and_sessions_use_redis():
    code = (
        "from django.core.cache import cache; from django.conf import settings as s;"
        "cache.set('mmn-check', 42, 5); print(cache.get('mmn-check'), s.SESSION_ENGINE)"
    )
    result = manage("shell", "-c", code, **PRODUCTION, REDIS_URL="redis://127.0.0.1:6379/8")
    assert result.stdout.splitlines()[-1] == "42 django.contrib.sessions.backends.cached_db", result.stderr
