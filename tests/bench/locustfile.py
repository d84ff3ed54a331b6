"""Load for `make bench` (run by tests/bench/run.py with .venv-bench's locust, never by pytest).

NoopUser and InsertUser hit the two baseline endpoints of mmnquiz.bench with no pause. Learner does what a
browser with htmx does through a timed exam: log in, home, quiz list, start, first item, one htmx answer per
item (each returns the next card, the last an HX-Redirect to the finish step), now and then a flag or an
option ruled out first ("flag", "strike"), finish, results, history. Answerer (signed in beforehand) only
starts, answers every item and finishes, again and again: the answer endpoint at saturation on its own.
Requests are named by endpoint, so the stats group every attempt's URLs together.

Besides locust's own stats (the whole run, ramp-up and log-ins included), the learner runs write the
response times from the moment every learner has logged in: log-in hashes the password on purpose slowly
(PBKDF2), and a few hundred log-ins at once occupy a 2-core server by themselves, so the steady state is
reported apart from them.

Environment (set by run.py):
  MMNQUIZ_BENCH_QUIZ_PK   the exam's pk; without it, found on the quiz list by its title
  MMNQUIZ_BENCH_THINK     seconds between a learner's steps, "MIN-MAX" (default "1-3"; "0" for none)
  MMNQUIZ_BENCH_PASSWORD  the password of the bench-NNNN accounts
  MMNQUIZ_BENCH_USERS     how many bench-NNNN accounts exist (default 200)
  MMNQUIZ_BENCH_STEADY    where to write the steady-state stats (JSON); none written without it
  MMNQUIZ_BENCH_SESSIONS  (run.py --signed-in) a JSON file of username -> session key: learners start signed
                          in with those sessions instead of logging in (no log-in storm)
  MMNQUIZ_BENCH_CLUSTER   (make bench-cluster) where to write the answers acknowledged, the sessions lost and
                          the retries (JSON); with it a POST that finds no server (connection error, 502-504)
                          is sent again, up to RETRIES times, as a learner pressing the button again would
"""

import itertools
import json
import os
import random
import re
import time
from http.cookiejar import Cookie
from urllib.parse import urlencode, urlsplit

from answers import answer_fields  # tests/bench/answers.py: locust puts this file's folder on the path
from locust import FastHttpUser, constant, events, task

EXAM_TITLE = "Exam: MMN (25 questions, 30 minutes)"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTEMPT_URL = re.compile(r"/attempts/([0-9a-f-]{36})/")
STRIKE = re.compile(r'name="strike" value="(\w+)"')  # a choice item's first Rule out button

PASSWORD = os.environ.get("MMNQUIZ_BENCH_PASSWORD", "bench-password")
ACCOUNTS = int(os.environ.get("MMNQUIZ_BENCH_USERS", "200"))
_next_account = itertools.count()


def _think_range() -> tuple[float, float]:
    low, _, high = os.environ.get("MMNQUIZ_BENCH_THINK", "1-3").partition("-")
    return float(low), float(high or low)


THINK_MIN, THINK_MAX = _think_range()
CLUSTER = os.environ.get("MMNQUIZ_BENCH_CLUSTER", "")
SESSIONS = os.environ.get("MMNQUIZ_BENCH_SESSIONS", "")


def _session_cookie(value: str, host: str) -> Cookie:
    return Cookie(
        0, "sessionid", value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
    )


RETRIES = 5
NO_SERVER = (0, 502, 503, 504)  # 0: the connection failed


class Cluster:
    """What make bench-cluster checks against the database: every acknowledged answer (attempt code, slot),
    requests that found the learner signed out (a lost session), and the POSTs sent again."""

    acknowledged: list[tuple[str, int]] = []
    sessions_lost: list[str] = []
    retried = 0


@events.request.add_listener
def _signed_out(request_type, name, response, exception, **kwargs):
    if not CLUSTER or name == "login" or response is None:
        return
    to = response.headers.get("Location") or response.headers.get("HX-Redirect") or ""
    if "/accounts/login/" in to or response.status_code == 403:  # 403: the CSRF token's session is gone
        Cluster.sessions_lost.append(f"{request_type} {name}: {response.status_code} to {to}")


@events.test_stop.add_listener
def _write_cluster(environment, **kwargs):
    if CLUSTER:
        with open(CLUSTER, "w", encoding="utf-8") as f:
            json.dump(
                {
                    "acknowledged": Cluster.acknowledged,
                    "sessions_lost": Cluster.sessions_lost,
                    "retried": Cluster.retried,
                },
                f,
            )


class Steady:
    """Response times per (method, name) from when the last learner has logged in until the run stops."""

    since: float | None = None
    logged_in = 0
    times: dict[tuple[str, str], list[float]] = {}
    failures: dict[tuple[str, str], int] = {}

    @classmethod
    def learner_logged_in(cls, expected: int) -> None:
        cls.logged_in += 1
        if cls.since is None and cls.logged_in >= expected:
            cls.since = time.time()


@events.request.add_listener
def _record(request_type, name, response_time, exception, **kwargs):
    if Steady.since is not None:
        Steady.times.setdefault((request_type, name), []).append(response_time)
        if exception is not None:
            Steady.failures[(request_type, name)] = Steady.failures.get((request_type, name), 0) + 1


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@events.test_stop.add_listener
def _write_steady(environment, **kwargs):
    path = os.environ.get("MMNQUIZ_BENCH_STEADY")
    if not path or Steady.since is None:
        return
    seconds = time.time() - Steady.since
    endpoints = []
    for (method, name), times in sorted(Steady.times.items(), key=lambda item: item[0][::-1]):
        ordered = sorted(times)
        endpoints.append(
            {
                "method": method,
                "name": name,
                "requests": len(ordered),
                "failures": Steady.failures.get((method, name), 0),
                "rps": len(ordered) / seconds,
                **{f"p{p}": _percentile(ordered, p / 100) for p in (50, 95, 99)},
            }
        )
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"seconds": seconds, "endpoints": endpoints}, f, indent=1)


class NoopUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def noop(self):
        self.client.get("/bench/noop/", name="noop")


class InsertUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def insert(self):
        self.client.post("/bench/insert/", name="insert")


class Learner(FastHttpUser):
    wait_time = constant(0)  # the pauses are inside the flow, between a learner's steps
    whole_flow = True  # the quiz list, the marks, the finish page, results and history around the answers

    def on_start(self):
        self.username = f"bench-{next(_next_account) % ACCOUNTS:04d}"  # one account per simulated learner
        self.csrf = ""
        self.quiz_pk = os.environ.get("MMNQUIZ_BENCH_QUIZ_PK", "")
        if SESSIONS:
            self.signed_in()
        else:
            self.log_in()

    def signed_in(self):
        """Start with a session made for this account beforehand, as if it had logged in earlier."""
        with open(SESSIONS, encoding="utf-8") as f:
            key = json.load(f)[self.username]
        self.client.cookiejar.set_cookie(_session_cookie(key, urlsplit(self.host).hostname))
        self.remember_csrf(self.client.get("/", name="home").text)
        Steady.learner_logged_in(self.environment.runner.target_user_count)

    def think(self):
        if THINK_MAX > 0:
            time.sleep(random.uniform(THINK_MIN, THINK_MAX))  # gevent-patched: only this learner waits

    def remember_csrf(self, html: str | None) -> None:
        if html and (match := CSRF_INPUT.search(html)):  # None: the request failed (counted by locust)
            self.csrf = match.group(1)

    def post(self, url: str, fields: list[tuple[str, str]], name: str, htmx: bool = False, **kwargs):
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.csrf}
        if htmx:
            headers["HX-Request"] = "true"
            headers["HX-Current-URL"] = self.host + url
        body = urlencode([("csrfmiddlewaretoken", self.csrf), *fields])
        tries = RETRIES if CLUSTER and kwargs.get("catch_response") else 1
        for attempt in range(tries):
            response = self.client.post(
                url, data=body, headers=headers, name=name, allow_redirects=False, **kwargs
            )
            if response.status_code not in NO_SERVER or attempt == tries - 1:
                return response
            # No server took it (one was stopped): counted apart, and sent again as the same POST.
            with response:
                response.request_meta["name"] = f"{name} (no server: sent again)"
                response.success()
            Cluster.retried += 1
            time.sleep(0.5)

    def log_in(self):
        page = self.client.get("/accounts/login/", name="login")
        self.remember_csrf(page.text)
        self.think()
        fields = [("username", self.username), ("password", PASSWORD), ("next", "")]
        with self.post("/accounts/login/", fields, "login", catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"log-in as {self.username} gave {response.status_code}, not a redirect")
                return
        self.client.get("/", name="home")
        Steady.learner_logged_in(self.environment.runner.target_user_count)

    @task
    def take_the_exam(self):
        self.think()
        if self.whole_flow or not self.quiz_pk:
            quiz_list = self.client.get("/quizzes/", name="quiz list")
            self.remember_csrf(quiz_list.text)
        pk = self.quiz_pk or self.find_exam(quiz_list.text)
        self.think()
        with self.post(f"/quizzes/{pk}/start/", [], "start", catch_response=True) as response:
            code = ATTEMPT_URL.search(response.headers.get("Location") or "")
            if response.status_code != 302 or code is None:
                response.failure(f"start gave {response.status_code} to {response.headers.get('Location')}")
                return
        attempt = f"/attempts/{code.group(1)}/"
        card = self.client.get(f"{attempt}items/1/", name="item").text
        self.remember_csrf(card)
        number = 1
        while True:
            self.think()
            fields = [("slot", str(number)), *answer_fields(card)]  # the exam draws every item type
            if self.whole_flow:
                self.mark(attempt, number, card, fields)
            with self.post(f"{attempt}answer/", fields, "answer", htmx=True, catch_response=True) as response:
                finish_url = response.headers.get("HX-Redirect")
                if response.status_code != 200:
                    response.failure(f"answer {number} gave {response.status_code}")
                    return
                if CLUSTER:
                    Cluster.acknowledged.append((code.group(1), number))
                if finish_url:
                    break
                card = response.text
                if f"Question {number + 1} of" not in card:
                    response.failure(f"answer {number} did not return question {number + 1}")
                    return
            self.remember_csrf(card)
            number += 1
        self.think()
        if self.whole_flow:
            self.remember_csrf(self.client.get(finish_url, name="finish").text)
            self.think()
        with self.post(f"{attempt}finish/", [], "finish", catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"finish gave {response.status_code}")
                return
        if not self.whole_flow:
            return
        self.client.get(f"{attempt}results/", name="results")
        self.think()
        self.client.get("/attempts/", name="history")

    def mark(self, attempt: str, number: int, card: str, fields: list[tuple[str, str]]) -> None:
        """The exam room's marks, as a learner uses them now and then: a flag on every fifth item, and on
        every fifth other one an option ruled out if it has options. Each is the answer form sent with
        that button."""
        struck = STRIKE.search(card)
        if number % 5 == 2:
            mark, name = ("flag", "on"), "flag"
        elif number % 5 == 3 and struck:
            mark, name = ("strike", struck.group(1)), "strike"
        else:
            return
        self.think()
        url = f"{attempt}answer/"
        with self.post(url, [*fields, mark], name, htmx=True, catch_response=True) as response:
            if response.status_code != 200 or f"Question {number} of" not in response.text:
                response.failure(f"{name} on item {number} gave {response.status_code}")

    def find_exam(self, html: str) -> str:
        """The exam's pk from the quiz list: its Start form follows its title (absent while one is open)."""
        after_title = html[html.find(EXAM_TITLE) :]
        match = re.search(r"/quizzes/(\d+)/start/", after_title)
        if match is None:
            raise RuntimeError(f"no Start form for {EXAM_TITLE!r}: set MMNQUIZ_BENCH_QUIZ_PK")
        self.quiz_pk = match.group(1)
        return self.quiz_pk


class Answerer(Learner):
    """The answer endpoint at saturation, as the insert baseline measures its endpoint: a signed-in learner
    answers the exam's items one after another, finishes, starts again, with nothing else in between (no
    quiz list, marks, finish page, results or history). For comparison beside the learner flow's verdict."""

    whole_flow = False
