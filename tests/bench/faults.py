"""`make faults`: SIGKILL a gunicorn worker in the middle of a run of exam answers; nothing lost or doubled.

Run with the app's venv python (`make faults`, and at the end of `make bench`). Gunicorn serves the production
profile on 127.0.0.1 from a fresh PostgreSQL database of its own, `mmnquiz_faults` (built like the bench's,
by tests/bench/run.py, so a concurrent `make bench` keeps its database and its Redis). LEARNERS learners are
signed in and start the 25-question exam; THREADS plain threads, each a browser for its share of them,
answer all 25 items (half the learners over htmx, half by plain POST and redirect), then answer every fifth
item again with another option, which replaces the answer in exam mode. After KILL_AT of the answers have
been sent, the worker caught storing an answer is killed with SIGKILL just after its commit (before the
commit with --before-commit); its master starts another.

A POST counts as acknowledged when its response is what the app gives for a stored answer: the next card
(htmx, 200), the HX-Redirect to the finish step after the last item, or the redirect to the next item. A
connection error or a 5xx is retried with the very same POST, up to RETRIES times, as a browser's retry
would be. Afterwards the database must hold, for every acknowledged (attempt, slot), exactly one Response
whose answer is the option last acknowledged for that slot.

Writes bench-results/faults.md and faults.json, prints the Markdown, and exits non-zero when an answer was
lost or doubled, a request still failed after its retries, or the run did not finish in time. Only
127.0.0.1 is touched, and the whole run is bounded (TIME_LIMIT seconds, every request REQUEST_TIMEOUT).
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import Cookie
from pathlib import Path

if not __package__:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.run import (  # noqa: E402  (after the path set-up above)
    RESULTS,
    Browser,
    ensure_postgres,
    ensure_redis,
    free_port,
    log,
    prepare_database,
    server_environment,
    start_gunicorn,
    stop,
    wait_until_up,
    worker_pids,
)

# FAULTS_DB and FAULTS_REDIS_URL move the run to another database name and Redis database.
DB_NAME = os.environ.get("FAULTS_DB", "mmnquiz_faults")
# Not the bench's Redis database 7: each run empties its own.
REDIS_URL = os.environ.get("FAULTS_REDIS_URL", "redis://127.0.0.1:6379/8")
LEARNERS = 40
THREADS = 16  # more than the workers, so every worker is busy when one is killed
WORKERS = 3
SLOTS = 25  # the seeded exam's length
CHANGE_EVERY = 5  # after the first pass, every fifth item is answered again with another option
KILL_AT = 0.3  # share of the answer POSTs sent before a worker is killed
RETRIES = 3  # a browser's retries of the same POST after a connection error or a 5xx
REQUEST_TIMEOUT = 10
TIME_LIMIT = 95  # seconds for the set-up and the load; stopping and checking take a few more

OPTION_INPUT = re.compile(r'name="option" value="([^"]+)"')
ATTEMPT_URL = re.compile(r"/attempts/([0-9a-f-]{36})/")
CONNECTION_ERRORS = (OSError, http.client.HTTPException)  # refused, reset, closed mid-response, timed out


class Tally:
    """Counters shared by the threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def add(self, name: str, n: int = 1) -> int:
        with self._lock:
            self.counts[name] += n
            return self.counts[name]

    def __getitem__(self, name: str) -> int:
        with self._lock:
            return self.counts[name]


@dataclass
class Learner:
    """One browser: a learner's session, their attempt, and what the app acknowledged to them."""

    username: str
    htmx: bool
    browser: Browser
    code: str = ""
    options: dict[int, list[str]] = field(default_factory=dict)  # slot -> option ids, as last seen
    acknowledged: dict[int, str] = field(default_factory=dict)  # slot -> the last acknowledged option
    problems: list[str] = field(default_factory=list)
    lost_connection: set[int] = field(default_factory=set)  # slots whose answer POST lost its connection

    @property
    def attempt(self) -> str:
        return f"/attempts/{self.code}/"


class Run:
    def __init__(self, base: str, quiz_pk: int, deadline: float):
        self.base, self.quiz_pk, self.deadline = base, quiz_pk, deadline
        self.tally = Tally()
        self.learners = [
            Learner(f"bench-{i:04d}", htmx=i % 2 == 0, browser=Browser(base, timeout=REQUEST_TIMEOUT))
            for i in range(LEARNERS)
        ]
        self.planned_answers = LEARNERS * (SLOTS + SLOTS // CHANGE_EVERY)

    # -- one request, retried the way a browser would ----------------------------------------------------

    def send(self, learner: Learner, method: str, path: str, fields=None, headers=None):
        """The request, repeated unchanged after a connection error or a 5xx; (status, headers, body).

        Status 0 means the last try still failed to connect or to read a response.
        """
        status, head, body = 0, {}, b""
        for attempt in range(1 + RETRIES):
            if time.monotonic() > self.deadline:
                raise TimeoutError("the run's time limit passed")
            if attempt:
                self.tally.add("retries")
                time.sleep(0.2 * attempt)
            self.tally.add(f"{method} tried")
            try:
                status, head, body = learner.browser.request(
                    method, path, fields=fields, headers=headers, encoding="identity"
                )
            except CONNECTION_ERRORS as exc:
                self.tally.add("connection errors")
                if path.endswith("/answer/"):
                    self.tally.add("answer POSTs that lost their connection")
                learner.problems.append(f"{method} {path}: {type(exc).__name__}: {exc}")
                status, head, body = 0, {}, b""
                continue
            if status < 500:
                return status, head, body
            self.tally.add("5xx seen")
        if status >= 500:
            self.tally.add("5xx after retries")
        else:
            self.tally.add("connection errors after retries")
        return status, head, body

    # -- a learner's part ---------------------------------------------------------------------------------

    def set_up(self, learner: Learner) -> None:
        """Start the exam (the learner is signed in already) and read the first item."""
        status, _, _ = self.send(learner, "GET", "/quizzes/")
        if status != 200:
            raise RuntimeError(f"{learner.username}: the quiz list gave {status}")
        status, head, _ = self.send(learner, "POST", f"/quizzes/{self.quiz_pk}/start/", fields=[])
        found = ATTEMPT_URL.search(head.get("Location", "")) if status == 302 else None
        if found is None:
            raise RuntimeError(f"{learner.username}: start gave {status}")
        learner.code = found.group(1)
        self.read_item(learner, 1)

    def read_item(self, learner: Learner, number: int) -> None:
        status, _, body = self.send(learner, "GET", f"{learner.attempt}items/{number}/")
        if status != 200:
            raise RuntimeError(f"{learner.username}: item {number} gave {status}")
        self.remember_options(learner, number, body)

    def remember_options(self, learner: Learner, number: int, body: bytes) -> None:
        options = OPTION_INPUT.findall(body.decode())
        if not options:
            raise RuntimeError(f"{learner.username}: no options on item {number}")
        learner.options[number] = options

    def answer(self, learner: Learner, number: int, option: str) -> None:
        """Post one answer (retried as a browser would) and note it when the app acknowledges it."""
        self.tally.add("answers")
        item = f"{learner.attempt}items/{number}/"
        headers = {"HX-Request": "true", "HX-Current-URL": self.base + item} if learner.htmx else None
        fields = [("slot", str(number)), ("option", option)]
        seen = len(learner.problems)
        status, head, body = self.send(learner, "POST", f"{learner.attempt}answer/", fields, headers)
        if len(learner.problems) > seen:
            learner.lost_connection.add(number)
        finish = f"{learner.attempt}finish/"
        following = f"{learner.attempt}items/{number + 1}/"
        if learner.htmx and number == SLOTS:
            acknowledged = status == 200 and head.get("HX-Redirect") == finish
        elif learner.htmx:
            card = body.decode()
            acknowledged = status == 200 and head.get("HX-Push-Url") == following
            acknowledged = acknowledged and f"Question {number + 1} of {SLOTS}" in card
            if acknowledged:
                self.remember_options(learner, number + 1, body)
        else:
            acknowledged = status == 302 and head.get("Location") == (
                finish if number == SLOTS else following
            )
        if not acknowledged:
            if 0 < status < 500:
                self.tally.add("answers refused")
                learner.problems.append(f"slot {number}: {status} {body[:200]!r}")
            return
        self.tally.add("acknowledged")
        learner.acknowledged[number] = option
        if not learner.htmx and number < SLOTS:
            self.read_item(learner, number + 1)  # the browser follows the redirect

    def take_the_exam(self, learner: Learner) -> None:
        if not learner.code:
            return  # the set-up failed, and said so
        for number in range(1, SLOTS + 1):
            if number not in learner.options:
                self.read_item(learner, number)  # an unacknowledged answer left the card unread
            self.answer(learner, number, random.choice(learner.options[number]))
        for number in range(CHANGE_EVERY, SLOTS + 1, CHANGE_EVERY):
            self.read_item(learner, number)
            others = [o for o in learner.options[number] if o != learner.acknowledged.get(number)]
            self.answer(learner, number, random.choice(others))

    # -- the run ------------------------------------------------------------------------------------------

    def in_threads(self, work, name: str) -> list[str]:
        """`work(learner)` for every learner, THREADS at a time; the errors that stopped a learner."""
        errors: list[str] = []
        shares = [self.learners[i::THREADS] for i in range(THREADS)]

        def worker(share: list[Learner]) -> None:
            for learner in share:
                try:
                    work(learner)
                except (RuntimeError, TimeoutError, UnicodeDecodeError) as exc:
                    errors.append(f"{learner.username}: {exc}")

        threads = [threading.Thread(target=worker, args=(s,), name=name, daemon=True) for s in shares]
        for thread in threads:
            thread.start()
        end = self.deadline + REQUEST_TIMEOUT  # a request under way at the deadline may still finish
        for thread in threads:
            thread.join(max(0.0, end - time.monotonic()))
        if any(thread.is_alive() for thread in threads):
            errors.append(f"{name}: threads still running at the time limit")
        return errors


def choice_only_exam(exam_pk: int) -> int:
    """A fixed 25-item exam of choice items, whose option ids the run swaps."""
    from quizzes.models import Question, Quiz

    exam = Quiz.objects.get(pk=exam_pk)
    choices = Question.objects.filter(
        bank=exam.bank, current_version__item_type__in=["single", "multiple", "truefalse"]
    ).order_by("pk")[:SLOTS]
    quiz = Quiz.objects.create(
        bank=exam.bank,
        slug="faults-exam",
        title="Faults exam",
        mode=Quiz.Mode.EXAM,
        selection=Quiz.Selection.FIXED,
        audience=Quiz.Audience.EVERYONE,
        question_count=SLOTS,
        time_limit_minutes=exam.time_limit_minutes,
    )
    quiz.questions.set(choices)
    return quiz.pk


def sign_in(learners: list[Learner]) -> None:
    """Give each browser a signed-in session, made in this process as Django's test client does.

    A real log-in hashes the password (PBKDF2, about 0.4 s of CPU): 40 of them would take a large share of the
    run's time on 2 cores, and `make bench` measures log-ins already.
    """
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connections
    from django.test import Client

    users = User.objects.in_bulk([learner.username for learner in learners], field_name="username")
    for learner in learners:
        client = Client()
        client.force_login(users[learner.username], backend="quizzes.accounts.backends.CachedModelBackend")
        name = settings.SESSION_COOKIE_NAME
        learner.browser.cookies.set_cookie(cookie(name, client.cookies[name].value))
    connections.close_all()


def cookie(name: str, value: str) -> Cookie:
    """A host-only cookie for 127.0.0.1, as the server's Set-Cookie would have made it."""
    return Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None, {}
    )


# With parameters bound by the client (faults_environment), PostgreSQL shows the slot id of an answer being
# written.
ANSWER_WRITE = re.compile(r'INSERT INTO "quizzes_response" \("slot_id".*?VALUES \((\d+),', re.DOTALL)
IN_FLIGHT_SQL = (
    "SELECT client_port, query FROM pg_stat_activity WHERE datname = %s AND xact_start IS NOT NULL"
    " AND state IN ('active', 'idle in transaction') AND query LIKE 'INSERT INTO \"quizzes_response\"%%'"
)


def faults_environment() -> dict[str, str]:
    """The production profile, but with parameters bound by the client (DATABASE_PREPARED_STATEMENTS=off):
    the kill finds the answer being written by its slot id in pg_stat_activity, which shows only `$1` for a
    parameter bound by the server. Where parameters are bound changes nothing about what a commit or a lost
    response does, which is what this run checks."""
    return {**server_environment(DB_NAME, REDIS_URL), "DATABASE_PREPARED_STATEMENTS": "off"}


def answer_in_flight(connection) -> tuple[int, int] | None:
    """(client port, slot id) of a database connection that is writing an answer and has not committed."""
    for port, query in connection.execute(IN_FLIGHT_SQL, [DB_NAME]).fetchall():
        if match := ANSWER_WRITE.search(query):
            return port, int(match.group(1))
    return None


def wait_for_commit(connection, port: int, seconds: float = 1.0) -> None:
    """Until the connection on `port` has committed its answer (it is idle, or runs the next query)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        row = connection.execute("SELECT state, query FROM pg_stat_activity WHERE client_port = %s", [port])
        state, query = row.fetchone() or ("gone", "")
        if state not in ("active", "idle in transaction") or not ANSWER_WRITE.match(query):
            return


def database_ports(workers: list[int]) -> dict[int, int]:
    """Each worker's connection to PostgreSQL, as {local TCP port: worker pid}, read from /proc."""
    ports_by_socket = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].rsplit(":", 1)[1], 16) == 5432:
            ports_by_socket[f"socket:[{fields[9]}]"] = int(fields[1].rsplit(":", 1)[1], 16)
    ports = {}
    for pid in workers:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                if (port := ports_by_socket.get(os.readlink(fd))) is not None:
                    ports[port] = pid
        except OSError:  # the worker or one of its descriptors is gone
            continue
    return ports


def kill_a_worker(run: Run, master_pid: int, done: threading.Event, after_commit: bool) -> dict:
    """After KILL_AT of the planned answers, SIGKILL a worker caught writing an answer; see it replaced.

    The worker is caught through PostgreSQL: a connection with an uncommitted INSERT of a Response, mapped to
    its worker by the TCP port (the workers keep their connections, CONN_MAX_AGE). With `after_commit`, the
    kill waits for the commit, and only an htmx answer before the last item is chosen: its response, the next
    card, is rendered after the commit, so the answer is stored and its response lost. Without, the kill
    follows the sighting at once and mostly rolls the answer back. The database tells which happened. When
    no answer is caught in flight within 10 s, a worker is killed at random instead.
    """
    import psycopg

    event: dict = {}
    while not done.is_set() and run.tally["answers"] < KILL_AT * run.planned_answers:
        if time.monotonic() > run.deadline:
            return event
        time.sleep(0.01)
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        htmx = [le.code for le in run.learners if le.htmx and le.code]
        targets = {
            slot_id
            for (slot_id,) in connection.execute(
                "SELECT s.id FROM quizzes_slot s JOIN quizzes_attempt a ON a.id = s.attempt_id"
                " WHERE a.code::text = ANY(%s) AND s.number < %s",
                [htmx, SLOTS],
            )
        }
        workers = worker_pids(master_pid)
        ports = database_ports(workers)  # looked up beforehand: the kill must follow the sighting at once
        victim = slot_id = port = None
        give_up = min(run.deadline, time.monotonic() + 10)
        while victim is None and not done.is_set() and time.monotonic() < give_up:
            if (found := answer_in_flight(connection)) is None or (after_commit and found[1] not in targets):
                continue
            if found[0] not in ports:  # a worker connected since: look again, catch the next one
                ports = database_ports(workers := worker_pids(master_pid))
                continue
            port, slot_id = found
            if after_commit:
                wait_for_commit(connection, port)
            victim = ports[port]
            os.kill(victim, signal.SIGKILL)
        if victim is None:
            if done.is_set() or not workers:
                return event
            victim = random.choice(workers)
            os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        event.update(pid=victim, after_answers=run.tally["answers"], workers_before=workers)
        if slot_id is not None:
            # Once PostgreSQL has seen the connection close, the answer is either committed or rolled back.
            while (
                time.monotonic() < killed_at + 5
                and connection.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE client_port = %s", [port]
                ).fetchone()
            ):
                time.sleep(0.01)
            code, number, committed = connection.execute(
                "SELECT a.code::text, s.number,"
                " EXISTS (SELECT 1 FROM quizzes_response r WHERE r.slot_id = s.id)"
                " FROM quizzes_slot s JOIN quizzes_attempt a ON a.id = s.attempt_id WHERE s.id = %s",
                [slot_id],
            ).fetchone()
            event.update(caught={"code": code, "slot": number, "committed": committed})
    while time.monotonic() < min(run.deadline, killed_at + 30):
        now = worker_pids(master_pid)
        if victim not in now and len(now) == len(workers):
            event.update(workers_after=now, replaced_after_s=round(time.monotonic() - killed_at, 2))
            break
        time.sleep(0.05)
    return event


# -- the check against the database: pure, tested in tests/test_faults.py ---------------------------------


def audit(acknowledged: dict[tuple[str, int], str], stored: list[tuple[str, int, int, list]]) -> dict:
    """Compare what the app acknowledged with what the database holds.

    `acknowledged` maps (attempt code, slot number) to the option last acknowledged for it; `stored` is every
    Response of those attempts as (code, slot number, slot id, answer). Lost: an acknowledged slot without a
    Response, or whose Response holds another answer. Duplicated: a slot with more than one Response.
    """
    per_slot = Counter(slot_id for _, _, slot_id, _ in stored)
    answers: dict[tuple[str, int], list] = {}
    for code, number, _, answer in stored:
        answers[(code, number)] = answer
    lost = []
    for (code, number), option in sorted(acknowledged.items()):
        if (code, number) not in answers:
            lost.append(f"{code} slot {number}: acknowledged {option}, no response stored")
        elif answers[(code, number)] != [option]:
            lost.append(f"{code} slot {number}: acknowledged {option}, stored {answers[(code, number)]}")
    duplicated = [
        f"{code} slot {number}: {per_slot[slot_id]} responses"
        for code, number, slot_id, _ in stored
        if per_slot[slot_id] > 1
    ]
    return {
        "lost": lost,
        "duplicated": sorted(set(duplicated)),
        "stored": len(stored),
        "stored_unacknowledged": sorted(f"{c} slot {n}" for c, n in answers.keys() - acknowledged.keys()),
    }


def read_database(codes: list[str]) -> tuple[list[tuple[str, int, int, list]], int]:
    """Every Response of these attempts, and how many learners have more than one attempt at the exam."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        stored = connection.execute(
            "SELECT a.code::text, s.number, s.id, r.answer FROM quizzes_response r"
            " JOIN quizzes_slot s ON s.id = r.slot_id JOIN quizzes_attempt a ON a.id = s.attempt_id"
            " WHERE a.code::text = ANY(%s)",
            [codes],
        ).fetchall()
        doubled_attempts = connection.execute(
            "SELECT count(*) FROM (SELECT user_id FROM quizzes_attempt GROUP BY user_id, quiz_id"
            " HAVING count(*) > 1) AS doubled"
        ).fetchone()[0]
    return stored, doubled_attempts


# -- the report ----------------------------------------------------------------------------------------------

MUST_BE_ZERO = ("responses lost", "responses duplicated", "attempts duplicated", "5xx after retries")


def build_report(
    run: Run, kill: dict, found: dict, doubled_attempts: int, errors: list[str], meta: dict
) -> dict:
    counts = run.tally.counts
    figures = {
        "threads": THREADS,
        "learners": LEARNERS,
        "gunicorn workers": WORKERS,
        "answer POSTs planned": run.planned_answers,
        "answer POSTs made (without retries)": counts["answers"],
        "requests tried (retries included)": counts["GET tried"] + counts["POST tried"],
        "POST tries (retries included)": counts["POST tried"],
        "acknowledged": counts["acknowledged"],
        "retried": counts["retries"],
        "connection errors seen": counts["connection errors"],
        "answer POSTs that lost their connection": counts["answer POSTs that lost their connection"],
        "5xx seen": counts["5xx seen"],
        "responses in the database": found["stored"],
        "responses lost": len(found["lost"]),
        "responses duplicated": len(found["duplicated"]),
        "attempts duplicated": doubled_attempts,
        "5xx after retries": counts["5xx after retries"],
        "connection errors after retries": counts["connection errors after retries"],
        "answers refused (4xx or unexpected page)": counts["answers refused"],
    }
    failures = [f"{name}: {figures[name]}, must be 0" for name in MUST_BE_ZERO if figures[name]]
    if figures["connection errors after retries"] or figures["answers refused (4xx or unexpected page)"]:
        failures.append("some answers were never acknowledged (see the problems below)")
    if counts["acknowledged"] != run.planned_answers:
        failures.append(f"{counts['acknowledged']} of {run.planned_answers} answers acknowledged")
    if not kill.get("pid"):
        failures.append("no worker was killed")
    elif "replaced_after_s" not in kill:
        failures.append(f"gunicorn did not replace worker {kill['pid']}")
    failures += errors
    problems = [p for learner in run.learners for p in learner.problems]
    if caught := kill.get("caught"):  # who was answering, and what their browser saw
        learner = next(le for le in run.learners if le.code == caught["code"])
        caught.update(
            learner=learner.username,
            browser_lost_connection=caught["slot"] in learner.lost_connection,
            acknowledged=caught["slot"] in learner.acknowledged,
        )
    return {
        "meta": meta,
        "figures": figures,
        "kill": kill,
        "lost": found["lost"][:20],
        "duplicated": found["duplicated"][:20],
        "stored_unacknowledged": found["stored_unacknowledged"][:20],
        "problems": problems[:20],
        "failures": failures,
        "clean": not failures,
    }


def render_markdown(report: dict) -> str:
    meta, kill = report["meta"], report["kill"]
    lines = [
        "# make faults: a gunicorn worker killed mid-run",
        "",
        f"{meta['date']}, {meta['wall_seconds']:.0f} s; gunicorn on 127.0.0.1, PostgreSQL `{DB_NAME}`, "
        f"the {SLOTS}-item exam; every {CHANGE_EVERY}th item answered again with another option; "
        f"a connection error or 5xx is retried with the same POST up to {RETRIES} times.",
        "",
    ]
    if kill.get("pid"):
        replaced = (
            f"the master replaced it in {kill['replaced_after_s']} s"
            if "replaced_after_s" in kill
            else "it was NOT replaced"
        )
        lines += [f"Worker {kill['pid']} got SIGKILL after {kill['after_answers']} answer POSTs; {replaced}."]
        if caught := kill.get("caught"):
            lines.append(
                f"It was caught writing {caught['learner']}'s answer to item {caught['slot']}, and the kill "
                + ("came after the commit." if caught["committed"] else "rolled that answer back.")
                + (
                    " The browser lost the connection and retried the same POST: "
                    + ("acknowledged." if caught["acknowledged"] else "NOT acknowledged.")
                    if caught["browser_lost_connection"]
                    else " Its response had left before the kill landed: the browser saw nothing."
                )
            )
        else:
            lines.append("No answer was caught in flight within 10 s: the worker was chosen at random.")
        lines.append("")
    lines += ["| figure | value |", "|---|---:|"]
    lines += [
        f"| {name}{' (must be 0)' if name in MUST_BE_ZERO else ''} | {value} |"
        for name, value in report["figures"].items()
    ]
    for title, key in [
        ("Lost", "lost"),
        ("Duplicated", "duplicated"),
        (
            "Stored but never acknowledged (allowed: the response was lost, the answer was not)",
            "stored_unacknowledged",
        ),
        ("Connection errors and refusals, as the clients saw them", "problems"),
    ]:
        if report[key]:
            lines += ["", f"{title}:", *[f"- {item}" for item in report[key]]]
    lines += ["", "PASS" if report["clean"] else "FAIL: " + "; ".join(report["failures"]), ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--before-commit",
        action="store_true",
        help="kill the worker as soon as it is seen writing an answer (default: just after the commit)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    deadline = started + TIME_LIMIT
    RESULTS.mkdir(exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = faults_environment()
    os.environ.update(env)  # Django, set up in this process for the database, reads the same settings

    ensure_postgres()
    ensure_redis(REDIS_URL)
    log(f"preparing database {DB_NAME}")
    quiz_pk = choice_only_exam(prepare_database(DB_NAME, LEARNERS))
    log(f"starting gunicorn ({WORKERS} workers) on {base}")
    run = Run(base, quiz_pk, deadline)
    errors: list[str] = []
    kill: dict = {}
    server = start_gunicorn(port, env, WORKERS, RESULTS / "faults-gunicorn.log")
    try:
        wait_until_up(base, server)
        log(f"{LEARNERS} learners sign in and start the exam ({THREADS} threads)")
        sign_in(run.learners)
        errors += run.in_threads(run.set_up, "set-up")
        log(f"{THREADS} threads answer; one worker is killed after {KILL_AT:.0%} of the answers")
        done = threading.Event()
        killer = threading.Thread(
            target=lambda: kill.update(kill_a_worker(run, server.pid, done, not args.before_commit)),
            daemon=True,
        )
        killer.start()
        errors += run.in_threads(run.take_the_exam, "answers")
        done.set()
        killer.join(REQUEST_TIMEOUT)
    finally:
        stop(server)

    acknowledged = {(le.code, n): option for le in run.learners for n, option in le.acknowledged.items()}
    stored, doubled_attempts = read_database([le.code for le in run.learners if le.code])
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores",
        "wall_seconds": time.monotonic() - started,
    }
    report = build_report(run, kill, audit(acknowledged, stored), doubled_attempts, errors, meta)
    (RESULTS / "faults.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = render_markdown(report)
    (RESULTS / "faults.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0 if report["clean"] else 1


if __name__ == "__main__":
    sys.exit(main())
