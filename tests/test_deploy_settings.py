"""The production profile: refuses to start half-configured, passes check --deploy, sends security headers."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-only-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "quiz.example.org",
    # Password resets go out by e-mail: `check --deploy` refuses the console mailer of local use.
    "EMAIL_URL": "smtp://quiz%40example.org:secret@mail.example.org:587",
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


def test_sign_up_throttle_is_shared_by_app_servers_through_redis():
    # Two processes stand for two app servers: the second sees the first one's count.
    address = f"2001:db8::{os.getpid():x}:{int(time.time() * 1000) % 0xFFFF:x}"
    code = f"from quizzes.accounts.throttling import note_signup_attempt as n; print(n({address!r}))"
    env = {**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/8", "SIGNUPS_PER_HOUR": "1"}
    first, second = manage("shell", "-c", code, **env), manage("shell", "-c", code, **env)
    assert first.stdout.split()[-1:] == ["True"], first.stderr
    assert second.stdout.split()[-1:] == ["False"], second.stderr


@pytest.mark.parametrize("name", ["TRUSTED_PROXIES", "SIGNUPS_PER_HOUR", "LOGIN_ADDRESS_FAILURE_LIMIT"])
def test_throttle_settings_must_be_whole_numbers(name):
    result = manage("check", **PRODUCTION, **{name: "one"})
    assert result.returncode != 0
    assert f"{name} must be a whole number" in result.stderr


@pytest.mark.django_db
def test_signed_in_pages_are_private_and_not_stored(learner_client):
    response = learner_client.get(reverse("quizzes:quiz-list"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed in"])
def test_static_files_stay_cacheable(client, learner, settings, signed_in):
    settings.WHITENOISE_USE_FINDERS = True  # the test run has no collected files; whitenoise finds them
    if signed_in:
        client.force_login(learner)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")


def process_state(pid: int) -> str | None:
    """A process's state letter from /proc (Z for a zombie), or None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def answers(port: int) -> bool:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/accounts/login/", headers={"Host": "quiz.example.org"})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_gunicorn_workers_die_with_their_master():
    """A master killed with SIGKILL (which no supervisor can forward) leaves no worker serving requests."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(PRODUCTION, SECURE_SSL_REDIRECT="false")
    # As `make serve` starts it (the worker timeout is gunicorn's default, 30 s).
    command = [str(ROOT / ".venv/bin/gunicorn"), "mmnquiz.wsgi", "--config", "gunicorn.conf.py"]
    workers: list[int] = []
    master = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while len(workers := children(master.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 2, "gunicorn did not start its workers"
        while not answers(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # both workers past booting, waiting for requests
        master.send_signal(signal.SIGKILL)
        master.wait()
        deadline = time.monotonic() + 5
        while any(process_state(w) not in (None, "Z") for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [process_state(w) for w in workers if process_state(w) not in (None, "Z")] == []
    finally:
        for pid in {master.pid, *children(master.pid), *workers}:
            if process_state(pid) not in (None, "Z"):
                os.kill(pid, signal.SIGKILL)


def test_the_readmes_systemd_unit_runs_gunicorn_itself_and_kills_what_its_master_leaves(tmp_path):
    import re
    import shutil

    unit = re.search(r"```ini\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    directives = dict(re.findall(r"^(\w+)=(.*)$", unit, re.M))
    assert directives["KillMode"] == "mixed" and directives["Type"] == "notify"
    program, *arguments = directives["ExecStart"].split()
    assert program.endswith("/.venv/bin/gunicorn")  # no shell or make between systemd and gunicorn
    assert arguments[:3] == ["mmnquiz.wsgi", "--config", "gunicorn.conf.py"]
    if shutil.which("systemd-analyze"):
        # Pointed at this checkout, so that systemd finds the program it names.
        local = unit.replace("/srv/mmnquiz", str(ROOT)).replace("User=mmnquiz", "User=root")
        local = re.sub(r"^EnvironmentFile=.*\n", "", local, flags=re.M)
        (tmp_path / "mmnquiz.service").write_text(local)
        result = subprocess.run(
            ["systemd-analyze", "verify", str(tmp_path / "mmnquiz.service")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0 and result.stderr == "", result.stderr


@pytest.mark.parametrize(("setting", "options"), [("", "True 5"), ("off", "None None")])
def test_postgresql_binds_on_the_server_and_prepares_unless_turned_off(setting, options):
    """Prepared statements need server-side binding; DATABASE_PREPARED_STATEMENTS=off is for a pooler that
    cannot keep them (PgBouncer before 1.21 in transaction pooling) and gives Django's default: parameters
    bound by the client, which PostgreSQL shows in pg_stat_activity (make faults reads them there)."""
    shown = "from django.conf import settings as s; o = s.DATABASES['default'].get('OPTIONS', {}); "
    shown += "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    result = manage(
        "shell",
        "-c",
        shown,
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",  # settings only: nothing connects
        DATABASE_PREPARED_STATEMENTS=setting,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == options  # after the shell's own lines
