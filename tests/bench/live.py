"""`make bench-live`: live sessions under load, on this machine, against the production profile.

Builds a fresh PostgreSQL database `mmnquiz_bench_live` (migrate, the MMN bank, the demo educator and 300
learner accounts with signed-in sessions made directly, as log-ins would make them), then starts the app as
it is deployed: gunicorn (WSGI) for the pages and POSTs, an ASGI server (mmnquiz.asgi) for the event
streams, Redis pub/sub between them. The load generator is asyncio, in this process, on the same two
cores as the servers: httpx for the pages and streams, plain HTTP/1.1 for the answers (post_form says why).

Scenarios:
- one session of 300 learners, three questions with options: each learner holds an SSE stream and answers
  with the first option offered; the educator posts "Next"; the time from just before that POST to each
  learner's receipt of the question (p50, p99, max); every learner answers at once (a POST each, as
  htmx sends it), and the time until the projector's stream reports all 300 counted; "Reveal" makes every
  learner's page fetch its own verdict (300 GETs);
- three sessions of 100 at once, the three educators' "Next" posted together;
- with --compare, the one-session scenario under uvicorn and under granian, to choose the ASGI server.

Counts every error (a non-2xx answer, a stream that broke, an event that never came), and the memory per
connected learner (the ASGI server's resident memory with all streams open, less before, per stream).
Each question also reports the core-seconds gunicorn, PostgreSQL, the ASGI server and the load generator
used from Next until all answers were counted, what the rest of the machine used meanwhile (other work:
on a shared machine a missed target may be its doing), and the load average.
Writes bench-results/live.json and live.md; exits 1 when a target is missed: p99 < 1 s, all answers
counted within 2 s, no errors. Everything stays on 127.0.0.1; the database is dropped afterwards.
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run import (  # noqa: E402
    BIN,
    PG_ADMIN_URL,
    RESULTS,
    TICK,
    _proc_ticks,
    ensure_postgres,
    ensure_redis,
    free_port,
    log,
    server_environment,
    stop,
    wait_until_up,
)

# Another database name or Redis database (e.g. beside other runs on a shared machine): BENCH_LIVE_DB,
# BENCH_LIVE_REDIS_URL.
DB_NAME = os.environ.get("BENCH_LIVE_DB", "mmnquiz_bench_live")
REDIS_URL = os.environ.get("BENCH_LIVE_REDIS_URL", "redis://127.0.0.1:6379/8")
LEARNERS = 300
QUESTIONS = 3
P99_TARGET = 1.0
COUNT_TARGET = 2.0
EVENT_TIMEOUT = 15.0

SSE_CONNECT = re.compile(r'sse-connect="([^"]+)"')
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
OPTION = re.compile(r'name="option" value="([^"]+)"')
NUMBER = re.compile(r'name="question" value="(\d+)"')


# -- the database ---------------------------------------------------------------------------------------


def prepare(learners: int, sessions_wanted: int) -> dict:
    """A fresh database with the MMN bank, `learners` learner accounts with a signed-in browser session
    each, and `sessions_wanted` live sessions of the MMN practice quiz with the learners split between
    them and seated. Returns the cookies and URLs the load generator needs."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DB_NAME}")
    import django

    django.setup()
    from io import StringIO

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.core.management import call_command
    from django.db import connections
    from django.db.models import F

    from quizzes.live import sessions
    from quizzes.models import QuestionVersion, Quiz

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)
    users = User.objects.bulk_create(User(username=f"live-{i:04d}", password="!") for i in range(learners))
    Group.objects.get(name="Learner").user_set.add(*users)
    educator = User.objects.get(username="educator")

    def signed_in(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "quizzes.accounts.backends.CachedModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["is_educator"] = user == educator
        store.create()
        return store.session_key

    quiz = Quiz.objects.get(bank__slug="mmn", slug="practice-all")
    # Questions with options, so that every simulated learner answers with the first one offered.
    choice = QuestionVersion.objects.filter(
        question__bank=quiz.bank, question__current_version=F("pk"), item_type__in=["single", "multiple"]
    )
    picked = list(choice.order_by("pk").values_list("pk", flat=True)[:QUESTIONS])
    plan = []
    per = learners // sessions_wanted
    for n in range(sessions_wanted):
        session = sessions.start_session(educator, quiz, version_ids=picked)
        seated = users[n * per : (n + 1) * per]
        for user in seated:
            sessions.join(session, user)
        plan.append(
            {
                "code": str(session.code),
                "host": signed_in(educator),
                "learners": [signed_in(u) for u in seated],
            }
        )
    connections.close_all()
    return {"sessions": plan}


# -- the load generator ---------------------------------------------------------------------------------


class Errors:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, what: str) -> None:
        if len(self.items) < 50:
            log(f"error: {what}")
        self.items.append(what)


async def read_events(response):
    """(id, name, data) of each event on an SSE response; comments skipped."""
    event_id, name, data = 0, "message", []
    async for line in response.aiter_lines():
        if line == "":
            if data or name != "message":
                yield event_id, name, "\n".join(data)
            event_id, name, data = 0, "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("id: "):
            event_id = int(line[4:])
        elif line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data.append(line[6:])
        elif line.startswith("retry:"):
            yield 0, "retry", ""


@dataclass(frozen=True)
class Posted:
    status_code: int
    text: str


async def post_form(url: str, fields: dict, headers: dict, cookies: dict) -> Posted:
    """POST a form as a phone's browser would, in plain HTTP/1.1 over one new connection (gunicorn's sync
    workers close each after its response). The answers are the burst the count target times, and the
    load generator shares the server's two cores: httpx spent about 3.5 ms of them on each answer (its
    connection pool, a new connection per request, cookie jars), more than gunicorn spent storing it;
    this costs a fraction of that, and a real class's phones cost the server nothing of the kind."""
    parts = urlsplit(url)
    body = urlencode(fields).encode()
    lines = [
        f"POST {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Connection: close",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
        "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()),
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write("\r\n".join(lines).encode() + b"\r\n\r\n" + body)
        raw = await reader.read()  # to the end: the server closes the connection after its response
    finally:
        writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.") else 0
    if b"transfer-encoding: chunked" in head.lower():
        raise ValueError("a chunked response: not what gunicorn sends for a page")
    return Posted(status, content.decode("utf-8", "replace"))


class Learner:
    def __init__(self, client, wsgi: str, asgi: str, code: str, cookie: str, errors: Errors) -> None:
        self.client, self.wsgi, self.asgi, self.code = client, wsgi, asgi, code
        self.cookies = {"sessionid": cookie}
        self.errors = errors
        self.connected = asyncio.Event()
        self.received: dict[int, float] = {}  # event id -> when it arrived
        self.answered: dict[int, float] = {}  # question number -> when the answer's POST went out
        self.stored: dict[int, float] = {}  # question number -> when its response came back (stored)
        self.fetched: dict[int, float] = {}
        self.csrf = ""
        self.stream_url = ""

    async def open_page(self) -> None:
        response = await self.client.get(f"{self.wsgi}/live/{self.code}/", cookies=self.cookies)
        if response.status_code != 200:
            self.errors.add(f"play page {response.status_code}")
            return
        self.cookies.update(dict(response.cookies))
        self.csrf = CSRF.search(response.text).group(1)
        self.stream_url = SSE_CONNECT.search(response.text).group(1).replace("&amp;", "&")

    async def follow(self) -> None:
        try:
            async with self.client.stream("GET", self.asgi + self.stream_url, timeout=None) as response:
                if response.status_code != 200:
                    self.errors.add(f"stream {response.status_code}")
                    return
                async for event_id, name, data in read_events(response):
                    now = time.perf_counter()
                    if name == "retry":
                        self.connected.set()
                    elif name == "stage":
                        self.received[event_id] = now
                        number = NUMBER.search(data)
                        if number:
                            asyncio.create_task(
                                self.answer(int(number.group(1)), OPTION.search(data).group(1))
                            )
                        elif 'hx-trigger="load"' in data:
                            asyncio.create_task(self.fetch(event_id))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a broken stream is an error to count, not to crash the run
            self.errors.add(f"stream broke: {exc!r}")

    def _headers(self) -> dict:
        return {"HX-Request": "true", "X-CSRFToken": self.csrf, "Referer": self.wsgi + "/"}

    async def answer(self, number: int, option: str) -> None:
        self.answered[number] = time.perf_counter()
        try:
            response = await self._answer(number, option)
        except Exception as exc:
            self.errors.add(f"answer failed: {exc!r}")
            return
        if response.status_code != 200 or "Answer recorded" not in response.text:
            self.errors.add(f"answer {response.status_code}")
        else:
            self.stored[number] = time.perf_counter()

    async def _answer(self, number: int, option: str) -> "Posted":
        return await post_form(
            f"{self.wsgi}/live/{self.code}/answer/",
            {"question": str(number), "option": option},
            self._headers(),
            self.cookies,
        )

    async def fetch(self, event_id: int) -> None:
        try:
            response = await self.client.get(
                f"{self.wsgi}/live/{self.code}/", headers=self._headers(), cookies=self.cookies
            )
        except Exception as exc:
            self.errors.add(f"stage fetch failed: {exc!r}")
            return
        if response.status_code != 200:
            self.errors.add(f"stage fetch {response.status_code}")
        self.fetched[event_id] = time.perf_counter()


class Host:
    """The projector: its stream of counts, and the educator's moves."""

    def __init__(self, client, wsgi: str, asgi: str, code: str, cookie: str, errors: Errors) -> None:
        self.client, self.wsgi, self.asgi, self.code = client, wsgi, asgi, code
        self.cookies = {"sessionid": cookie}
        self.errors = errors
        self.connected = asyncio.Event()
        self.counts: list[tuple[float, int]] = []
        self.csrf = self.stream_url = ""

    async def open_page(self) -> None:
        response = await self.client.get(f"{self.wsgi}/author/live/{self.code}/", cookies=self.cookies)
        if response.status_code != 200:
            raise RuntimeError(f"projector {response.status_code}")
        self.cookies.update(dict(response.cookies))
        self.csrf = CSRF.search(response.text).group(1)
        self.stream_url = SSE_CONNECT.search(response.text).group(1).replace("&amp;", "&")

    async def follow(self) -> None:
        try:
            async with self.client.stream("GET", self.asgi + self.stream_url, timeout=None) as response:
                async for _, name, data in read_events(response):
                    if name == "retry":
                        self.connected.set()
                    elif name == "count":
                        self.counts.append((time.perf_counter(), int(data)))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.errors.add(f"projector stream broke: {exc!r}")

    async def move(self, action: str) -> float:
        started = time.perf_counter()
        response = await self.client.post(
            f"{self.wsgi}/author/live/{self.code}/move/",
            data={"action": action},
            headers={"HX-Request": "true", "X-CSRFToken": self.csrf, "Referer": self.wsgi + "/"},
            cookies=self.cookies,
        )
        if response.status_code != 200:
            self.errors.add(f"move {action} {response.status_code}")
        return started

    def counted_at(self, wanted: int, since: float) -> float | None:
        return next((t for t, n in self.counts if t >= since and n >= wanted), None)


async def until(condition, seconds: float) -> bool:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.005)
    return False


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (a server's workers), in KiB."""
    total = 0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def children(pid: int) -> list[int]:
    try:
        found = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return found + [g for c in found for g in children(c)]


def cpu_snapshot(wsgi_pid: int, asgi_pid: int) -> dict:
    """CPU ticks so far of the machine (busy), gunicorn, the ASGI server, the bench database's PostgreSQL
    backends, and this load generator: a question's figures then say what the machine's other work took."""
    postgres = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and f" {DB_NAME} ".encode() in title.replace(b"\0", b" "):
                postgres.append(int(entry.name))
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    me = os.times()
    return {
        "wall": time.perf_counter(),
        "busy": sum(fields) - fields[3] - fields[4],
        "gunicorn": {p: _proc_ticks(p) for p in [wsgi_pid, *children(wsgi_pid)]},
        "asgi": {p: _proc_ticks(p) for p in [asgi_pid, *children(asgi_pid)]},
        "postgres": {p: _proc_ticks(p) for p in postgres},
        "generator": (me.user + me.system) * TICK,
    }


def cpu_between(before: dict, after: dict) -> dict:
    """Core-seconds each part used between two snapshots; `other`: the rest of the machine (other work);
    `idle`: cores left unused; and the 1-minute load average at the end."""

    def ticks(key: str) -> float:
        return sum(t - before[key].get(p, 0) for p, t in after[key].items()) / TICK

    wall = after["wall"] - before["wall"]
    used = {k: ticks(k) for k in ("gunicorn", "asgi", "postgres")}
    used["generator"] = (after["generator"] - before["generator"]) / TICK
    machine = (after["busy"] - before["busy"]) / TICK
    used["other"] = max(0.0, machine - sum(used.values()))
    used["idle"] = max(0.0, wall * (os.cpu_count() or 1) - machine)
    result = {k: round(v, 2) for k, v in used.items()}
    result["load1"] = float(Path("/proc/loadavg").read_text().split()[0])
    return result


async def run_sessions(plan: dict, wsgi: str, asgi: str, asgi_pid: int, wsgi_pid: int) -> dict:
    import httpx

    errors = Errors()
    limits = httpx.Limits(max_connections=4000, max_keepalive_connections=1000)
    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
        hosts, groups = [], []
        for entry in plan["sessions"]:
            hosts.append(Host(client, wsgi, asgi, entry["code"], entry["host"], errors))
            groups.append([Learner(client, wsgi, asgi, entry["code"], c, errors) for c in entry["learners"]])
        everyone = [learner for group in groups for learner in group]
        for host in hosts:
            await host.open_page()
        for start in range(0, len(everyone), 50):  # the pages, 50 at a time, as a class arrives
            await asyncio.gather(*(learner.open_page() for learner in everyone[start : start + 50]))
        memory_before = rss_kib(asgi_pid)
        tasks = [asyncio.create_task(x.follow()) for x in [*hosts, *everyone]]
        if not await until(lambda: all(x.connected.is_set() for x in [*hosts, *everyone]), 60):
            errors.add("not every stream connected within 60 s")
        await asyncio.sleep(1.0)
        memory_after = rss_kib(asgi_pid)

        questions = []
        seq = 0
        for number in range(1, QUESTIONS + 1):
            seq += 1
            cpu_before = cpu_snapshot(wsgi_pid, asgi_pid)
            starts = await asyncio.gather(*(host.move("next") for host in hosts))
            arrived = await until(lambda s=seq: all(s in x.received for x in everyone), EVENT_TIMEOUT)
            if not arrived:
                missing = sum(seq not in x.received for x in everyone)
                errors.add(f"question {number}: {missing} learners never received it")
            latencies = []
            for start, group in zip(starts, groups, strict=True):
                latencies += [x.received[seq] - start for x in group if seq in x.received]
            await until(
                lambda starts=starts: all(
                    h.counted_at(len(g), start) is not None
                    for h, g, start in zip(hosts, groups, starts, strict=True)
                ),
                EVENT_TIMEOUT,
            )
            cpu = cpu_between(cpu_before, cpu_snapshot(wsgi_pid, asgi_pid))
            # The count can reach the projector before the last answers' responses reach their phones.
            await until(lambda n=number: all(n in x.stored for x in everyone), EVENT_TIMEOUT)
            count_times, stored_times = [], []
            for host, group, start in zip(hosts, groups, starts, strict=True):
                first_answer = min((x.answered.get(number, float("inf")) for x in group), default=start)
                if all(number in x.stored for x in group):
                    stored_times.append(max(x.stored[number] for x in group) - first_answer)
                done = host.counted_at(len(group), start)
                if done is None:
                    errors.add(f"question {number}: the projector never counted {len(group)} answers")
                else:
                    count_times.append((done - first_answer, done - start))
            seq += 1
            reveal_start = min(await asyncio.gather(*(host.move("reveal") for host in hosts)))
            fetched = await until(lambda s=seq: all(s in x.fetched for x in everyone), EVENT_TIMEOUT)
            if not fetched:
                errors.add(f"question {number}: not every learner fetched the reveal")
            reveal_all = max((x.fetched.get(seq, 0) for x in everyone), default=reveal_start) - reveal_start
            questions.append(
                {
                    "question": number,
                    "delivered": len(latencies),
                    "p50_s": round(statistics.median(latencies), 3) if latencies else None,
                    "p99_s": round(percentile(latencies, 99), 3) if latencies else None,
                    "max_s": round(max(latencies), 3) if latencies else None,
                    "all_counted_after_first_answer_s": round(max(c[0] for c in count_times), 3)
                    if count_times
                    else None,
                    "all_counted_after_next_s": round(max(c[1] for c in count_times), 3)
                    if count_times
                    else None,
                    "reveal_all_fetched_s": round(reveal_all, 3),
                    "answers_posted": sum(number in x.answered for x in everyone),
                    # the last answer's response back, before the projector's count (held up to COUNT_EVERY)
                    "all_stored_after_first_answer_s": round(max(stored_times), 3) if stored_times else None,
                    "cpu_next_to_counted": cpu,
                }
            )
        seq += 1
        await asyncio.gather(*(host.move("end") for host in hosts))
        if not await until(lambda s=seq: all(s in x.fetched for x in everyone), EVENT_TIMEOUT):
            errors.add("not every learner fetched the end of the session")
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    streams = len(everyone) + len(hosts)
    return {
        "sessions": len(hosts),
        "learners": len(everyone),
        "questions": questions,
        "errors": len(errors.items),
        "error_samples": sorted(set(errors.items))[:10],
        "asgi_rss_before_kib": memory_before,
        "asgi_rss_connected_kib": memory_after,
        "kib_per_learner": round((memory_after - memory_before) / streams, 1),
    }


# -- the servers ----------------------------------------------------------------------------------------


def start_asgi(server: str, port: int, env: dict, log_path: Path) -> subprocess.Popen:
    if server == "uvicorn":
        command = [
            str(BIN / "uvicorn"),
            "mmnquiz.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]
        command += ["--no-access-log", "--log-level", "warning", "--timeout-keep-alive", "30"]
    else:
        command = [str(BIN / "granian"), "--interface", "asgi", "mmnquiz.asgi:application"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--log-level", "warning"]
        command += ["--no-ws"]
    with open(log_path, "w") as server_log:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True
        )


def start_wsgi(port: int, env: dict, log_path: Path) -> subprocess.Popen:
    """gunicorn as `make serve` runs it: gunicorn.conf.py, 2 x cores + 1 sync workers. (gthread workers with
    4 threads each were measured too: the same answers cost more CPU in gunicorn and in the load
    generator, and the keep-alive connections they hold let a client reuse one just as the server closed
    it, a request error.)"""
    workers = str(2 * (os.cpu_count() or 1) + 1)
    with open(log_path, "w") as server_log:
        return subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "mmnquiz.wsgi",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
            ]
            + ["--workers", workers],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_for_port(port: int, process: subprocess.Popen, seconds: int = 30) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the ASGI server exited with {process.returncode}; see bench-results/")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def scenario(name: str, server: str, learners: int, sessions_wanted: int, env: dict) -> dict:
    log(f"{name}: {learners} learners in {sessions_wanted} session(s), streams served by {server}")
    plan = prepare(learners, sessions_wanted)
    wsgi_port, asgi_port = free_port(), free_port()
    gunicorn = start_wsgi(wsgi_port, env, RESULTS / "live-gunicorn.log")
    asgi = start_asgi(server, asgi_port, env, RESULTS / f"live-{server}.log")
    try:
        wait_until_up(f"http://127.0.0.1:{wsgi_port}", gunicorn)
        wait_for_port(asgi_port, asgi)
        result = asyncio.run(
            run_sessions(
                plan, f"http://127.0.0.1:{wsgi_port}", f"http://127.0.0.1:{asgi_port}", asgi.pid, gunicorn.pid
            )
        )
    finally:
        stop(gunicorn)
        stop(asgi)
    result.update({"scenario": name, "asgi_server": server})
    worst = [q["p99_s"] for q in result["questions"] if q["p99_s"] is not None]
    counted = [q["all_counted_after_first_answer_s"] for q in result["questions"]]
    result["p99_worst_s"] = max(worst) if worst else None
    result["counted_worst_s"] = max((c for c in counted if c is not None), default=None)
    result["ok"] = (
        result["errors"] == 0
        and result["p99_worst_s"] is not None
        and result["p99_worst_s"] < P99_TARGET
        and result["counted_worst_s"] is not None
        and result["counted_worst_s"] < COUNT_TARGET
        and len(counted) == QUESTIONS
        and all(c is not None for c in counted)
    )
    log(
        f"{name}: p99 {result['p99_worst_s']} s, all counted {result['counted_worst_s']} s, "
        f"errors {result['errors']}, {result['kib_per_learner']} KiB per learner"
    )
    return result


def render(report: dict) -> str:
    lines = [
        "# make bench-live",
        "",
        f"{report['machine']}. Targets: p99 from Next to receipt < {P99_TARGET} s; all answers counted "
        f"< {COUNT_TARGET} s after the first is sent; 0 errors.",
        "",
        "| scenario | ASGI server | question | delivered | p50 s | p99 s | max s | all counted s "
        "(after first answer / after Next) | all stored s | reveal fetched s | load (1 min) | "
        "core-s Next to counted: gunicorn / PostgreSQL / ASGI / generator / other work / idle |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in report["scenarios"]:
        for q in result["questions"]:
            cpu = q["cpu_next_to_counted"]
            lines.append(
                f"| {result['scenario']} | {result['asgi_server']} | {q['question']} | {q['delivered']} | "
                f"{q['p50_s']} | {q['p99_s']} | {q['max_s']} | {q['all_counted_after_first_answer_s']} / "
                f"{q['all_counted_after_next_s']} | {q['all_stored_after_first_answer_s']} | "
                f"{q['reveal_all_fetched_s']} | {cpu['load1']} | "
                f"{cpu['gunicorn']} / {cpu['postgres']} / {cpu['asgi']} / {cpu['generator']} / "
                f"{cpu['other']} / {cpu['idle']} |"
            )
    lines += [
        "",
        "| scenario | ASGI server | errors | KiB per connected learner | result |",
        "|---|---|---|---|---|",
    ]
    for r in report["scenarios"]:
        verdict = "pass" if r["ok"] else "FAIL"
        lines.append(
            f"| {r['scenario']} | {r['asgi_server']} | {r['errors']} | {r['kib_per_learner']} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", choices=["uvicorn", "granian"], default="uvicorn")
    parser.add_argument(
        "--compare", action="store_true", help="also run the 300-learner session on the other"
    )
    parser.add_argument("--learners", type=int, default=LEARNERS)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    ensure_postgres()
    ensure_redis(REDIS_URL)
    env = server_environment(DB_NAME, REDIS_URL)
    os.environ.update(env)
    scenarios = []
    try:
        servers = [args.server] + (
            [s for s in ("uvicorn", "granian") if s != args.server] if args.compare else []
        )
        for server in servers:
            scenarios.append(scenario("one session", server, args.learners, 1, env))
        scenarios.append(scenario("three sessions", args.server, args.learners, 3, env))
    finally:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    report = {
        "machine": f"{os.cpu_count()} CPU cores shared by servers and load generator",
        "targets": {"p99_s": P99_TARGET, "counted_s": COUNT_TARGET, "errors": 0},
        "scenarios": scenarios,
    }
    (RESULTS / "live.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "live.md").write_text(render(report))
    print(render(report))
    return 0 if all(s["ok"] for s in scenarios) else 1


if __name__ == "__main__":
    sys.exit(main())
