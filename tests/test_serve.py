"""`make serve` as a newcomer runs it: gunicorn and uvicorn both come up; a live session works through them
end to end (the educator's projector and a learner's phone on gunicorn, their event streams on uvicorn's
port, Redis carrying the events between the two); and stopping make stops both servers.

About 20 s: a fresh SQLite database of its own (migrated by make serve, then the demo accounts and bank).
"""

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
import redis

from tests.bench.answers import answer_fields

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = "redis://127.0.0.1:6379/15"
SSE_CONNECT = re.compile(r'sse-connect="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


class Stream:
    """A page's event stream, read in a thread: (name, data) of each event into a queue."""

    def __init__(self, url: str) -> None:
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.client = httpx.Client(timeout=httpx.Timeout(5, read=None))
        self.response = None
        self.thread = threading.Thread(target=self._read, args=(url,), daemon=True)
        self.thread.start()

    def _read(self, url: str) -> None:
        try:
            with self.client.stream("GET", url) as response:
                self.response = response
                name, data = "message", []
                for line in response.iter_lines():
                    if line.startswith("retry:"):
                        self.events.put(("connected", ""))
                    elif line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("data: "):
                        data.append(line[6:])
                    elif line == "" and data:
                        self.events.put((name, "\n".join(data)))
                        name, data = "message", []
        except httpx.HTTPError:
            pass  # closed by the test, or the server stopped

    def next(self, name: str, seconds: float = 10) -> str:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                got, data = self.events.get(timeout=left)
            except queue.Empty:
                break
            if got == name:
                return data
        raise AssertionError(f"no {name!r} event within {seconds} s")

    def close(self) -> None:
        self.client.close()


def signed_in(base: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=True, timeout=30)
    page = client.get("/accounts/login/")
    token = CSRF_FIELD.search(page.text).group(1)
    done = client.post(
        "/accounts/login/", data={"username": username, "password": password, "csrfmiddlewaretoken": token}
    )
    assert done.status_code == 200 and "/accounts/login/" not in str(done.url), done.text[:300]
    return client


def htmx(page_text: str) -> dict:
    return {"HX-Request": "true", "X-CSRFToken": CSRF_HEADER.search(page_text).group(1)}


def test_make_serve_runs_both_servers_a_live_session_works_through_them_and_stopping_make_stops_both(
    tmp_path,
):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    app_port, stream_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}", "REDIS_URL": REDIS_URL}
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 - open until make has stopped
    make = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "serve",
            f"PORT={app_port}",
            f"STREAM_PORT={stream_port}",
            "WORKERS=2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: whatever is left of it can be found, and killed
    )
    streams: list[Stream] = []
    try:
        deadline = time.monotonic() + 90
        while not (listening(app_port) and listening(stream_port)):
            assert make.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "make serve did not open both ports within 90 s"
            time.sleep(0.3)
        python = ROOT / ".venv" / "bin" / "python"
        subprocess.run(
            [str(python), "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        app, streams_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{stream_port}"

        educator = signed_in(app, "educator", "teach-mmn-2026")
        start = educator.get("/author/live/new/")
        quiz = re.search(r'<select name="quiz"[^>]*>.*?<option value="(\d+)"', start.text, re.S).group(1)
        projector = educator.post(
            "/author/live/new/",
            data={"quiz": quiz, "csrfmiddlewaretoken": CSRF_FIELD.search(start.text).group(1)},
        )
        assert projector.status_code == 200 and "/author/live/" in str(projector.url)
        join_code = re.search(r'class="join-code">([^<]+)<', projector.text).group(1)
        host = Stream(streams_base + SSE_CONNECT.search(projector.text).group(1).replace("&amp;", "&"))
        streams.append(host)
        host.next("connected")

        phone = signed_in(app, "learner", "learn-mmn-2026")
        join = phone.get("/live/", params={"code": join_code})
        play = phone.post(
            "/live/", data={"code": join_code, "csrfmiddlewaretoken": CSRF_FIELD.search(join.text).group(1)}
        )
        assert play.status_code == 200 and "You're in" in play.text
        assert host.next("joined") == "1"
        learner = Stream(streams_base + SSE_CONNECT.search(play.text).group(1).replace("&amp;", "&"))
        streams.append(learner)
        learner.next("connected")

        moved = educator.post(
            str(projector.url).rstrip("/") + "/move/", data={"action": "next"}, headers=htmx(projector.text)
        )
        assert moved.status_code == 200
        question = learner.next("stage")  # the question, pushed from gunicorn through Redis to uvicorn
        number = re.search(r'name="question" value="(\d+)"', question).group(1)
        fields = answer_fields(question)  # the first question may be of any item type the quiz draws
        # a typed answer as a number: a numeric item refuses words (400); a short answer takes any text
        fields = [(name, "1" if value == "an answer" else value) for name, value in fields]
        assert number == "1" and ("question", "1") in fields and len(fields) > 1
        answer_url = f"{play.url.path}answer/"
        form: dict[str, list[str]] = {}
        for name, value in fields:
            form.setdefault(name, []).append(value)
        answered = phone.post(answer_url, data=form, headers=htmx(play.text))
        assert answered.status_code == 200 and "recorded" in answered.text, (fields, answered.text[-600:])
        assert host.next("count") == "1"  # the projector's count, through the same path
        educator.post(
            str(projector.url).rstrip("/") + "/move/", data={"action": "reveal"}, headers=htmx(projector.text)
        )
        assert 'hx-trigger="load"' in learner.next("stage")  # the phone fetches its own verdict
        verdict = phone.get(str(play.url), headers={"HX-Request": "true"})
        assert "Question 1 of" in verdict.text and "the answer" in verdict.text
    finally:
        for s in streams:
            s.close()
        stopped_at = time.monotonic()
        if make.poll() is None:
            make.send_signal(signal.SIGTERM)  # as `kill <make>` or a supervisor stops it
        try:
            make.wait(timeout=40)
        finally:
            left = group_alive(make.pid)
            if left:
                os.killpg(make.pid, signal.SIGKILL)
            log.close()
    output = (tmp_path / "serve.log").read_text()
    assert not left, f"a server outlived make:\n{output[-2000:]}"
    assert not listening(app_port) and not listening(stream_port)
    assert time.monotonic() - stopped_at < 35
    assert "Booting worker" in output and "Uvicorn running" in output
