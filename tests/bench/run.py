"""`make bench`: the production profile under gunicorn on loopback, on PostgreSQL, driven by locust.

Run with the app's venv python; locust itself runs from .venv-bench (it registers a pytest plugin, so it is
kept out of the test venv). Steps: PostgreSQL up, a fresh `mmnquiz_bench` database (migrate, seed_demo,
200 learner accounts, the bench_insert table), collectstatic, gunicorn on 127.0.0.1 and a free port, page
weight, then one headless locust run per scenario. Writes bench-results/report.json and report.md, prints the
Markdown, and exits non-zero when any request failed. Gunicorn is always stopped, also on failure.

All traffic goes to 127.0.0.1 only, and every scenario is bounded in time.
"""

import argparse
import contextlib
import csv
import gzip
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

try:
    from tests.bench.answers import answer_fields
except ModuleNotFoundError:  # run as a script: this folder is on the path, the repository root is not
    from answers import answer_fields

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
LOCUST = ROOT / ".venv-bench" / "bin" / "locust"
BIN = Path(sys.executable).parent  # the app's venv: gunicorn lives beside its python

# BENCH_DB and BENCH_REDIS_URL move the run elsewhere (another database name, another Redis database).
DB_NAME = os.environ.get("BENCH_DB", "mmnquiz_bench")
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")  # its own, emptied before each run
LEARNERS = 1000  # accounts: the largest scenario's learners
PASSWORD = "bench-password-2026"
PAGE_USER = "bench-page"  # measures page weight on its own attempt, apart from the simulated learners
EXAM = ("mmn", "exam")  # bank slug, quiz slug: "Exam: MMN (25 questions, 30 minutes)"
WORKERS = 2 * (os.cpu_count() or 1) + 1

# The targets of issues 8 and 23. Sizes in bytes (1 KB = 1000 bytes, the stricter reading). Issue 23 asks for
# an answer throughput of at least 25 % of the one-insert baseline, aiming at 50 %.
RATIO_TARGET = 0.25
RATIO_GOAL = 0.5
ANSWER_P99_TARGET_MS = 100
ANSWER_P99_PACED_TARGET_MS = 150  # at 1,000 learners pacing like a real exam
PAGE_TARGET_BYTES = 50_000
SWAP_TARGET_BYTES = 5_000


@dataclass(frozen=True)
class Scenario:
    name: str
    user_class: str
    users: int
    spawn_rate: float
    seconds: int
    think: str  # seconds between a learner's steps, "MIN-MAX"; "0" for none
    about: str
    signed_in: bool = False  # learners start with sessions made beforehand (run.py makes them), no log-in


# Saturation scenarios use 32 users with no pause: enough to keep 5 sync workers busy on 2 cores. The learner
# runs pause 1-3 s between steps: about 30 times faster than a real exam (30 minutes for 25 items is
# 72 s an item), so 200 of them load the server like several thousand real learners would. A flow is about
# 33 pauses (about 70 s), so the learner runs last long enough for most learners to finish one after the
# log-in storm at the start (each log-in hashes the password: about 0.4 s of CPU).
SCENARIOS = [
    Scenario("noop", "NoopUser", 32, 32, 20, "0", "baseline: a bare response, no database"),
    Scenario("insert", "InsertUser", 32, 32, 20, "0", "baseline: one indexed INSERT"),
    Scenario("learners-saturation", "Learner", 32, 8, 45, "0", "learner flow, no pause (answer throughput)"),
    # The answer endpoint on its own at saturation, as the insert baseline measures its endpoint: beside the
    # verdict (which issue 23 sets on the learner flow), to show what the rest of the flow costs.
    Scenario(
        "answers-saturation",
        "Answerer",
        32,
        32,
        45,
        "0",
        "answers only, no pause: start, every item, finish, again (the answer endpoint on its own)",
        signed_in=True,
    ),
    Scenario("learners-50", "Learner", 50, 5, 90, "1-3", "50 learners, 1-3 s between steps"),
    Scenario("learners-200", "Learner", 200, 5, 150, "1-3", "200 learners, 1-3 s between steps"),
    # 1,000 learners at a real exam's pace: signed in beforehand, since 1,000 log-ins (about 400 core-seconds
    # of password hashing) would take the whole run on 2 cores.
    Scenario(
        "learners-1000",
        "Learner",
        1000,
        25,
        210,
        "10-30",
        "1,000 learners pacing like a real exam, 10-30 s between steps",
        signed_in=True,
    ),
]
RATIO_SCENARIOS = ("learners-saturation", "insert")
ANSWERS_ONLY_SCENARIO = "answers-saturation"
P99_SCENARIO = "learners-200"
P99_PACED_SCENARIO = "learners-1000"


# -- report: pure functions over locust's CSV, tested in tests/test_bench.py -------------------------------


def _number(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):  # locust writes "N/A" for a percentile with no requests
        return None


def parse_stats_csv(path: Path) -> dict:
    """Locust's `<prefix>_stats.csv` as {"endpoints": [...], "total": {...}}, times in ms."""
    endpoints, total = [], None
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            entry = {
                "method": row["Type"],
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": _number(row["Requests/s"]) or 0.0,
                "p50": _number(row["50%"]),
                "p95": _number(row["95%"]),
                "p99": _number(row["99%"]),
                "avg_bytes": _number(row["Average Content Size"]),
            }
            if row["Name"] == "Aggregated":
                total = entry
            else:
                endpoints.append(entry)
    if total is None:
        raise ValueError(f"{path}: no Aggregated row; is this a locust stats CSV?")
    return {"endpoints": endpoints, "total": total}


def endpoint(stats: dict | None, name: str, method: str = "POST") -> dict | None:
    if stats is None:
        return None
    return next((e for e in stats["endpoints"] if e["name"] == name and e["method"] == method), None)


def build_report(scenarios: dict[str, dict], page: dict | None, meta: dict) -> dict:
    """The report: each scenario's stats, the answer/insert throughput ratio and a verdict on every target.

    `scenarios` maps a scenario name to its parsed stats (plus whatever describes it); a scenario that did not
    run is simply missing, and a target that depends on it is reported as not met.
    """
    answer = endpoint(_steady_or_whole(scenarios.get(RATIO_SCENARIOS[0])), "answer")
    insert = endpoint(scenarios.get(RATIO_SCENARIOS[1]), "insert")
    ratio = _per_insert(answer, insert)
    answer_only_ratio = _per_insert(
        endpoint(_steady_or_whole(scenarios.get(ANSWERS_ONLY_SCENARIO)), "answer"), insert
    )
    answer_200 = endpoint(_steady_or_whole(scenarios.get(P99_SCENARIO)), "answer")
    answer_200_whole = endpoint(scenarios.get(P99_SCENARIO), "answer")
    p99 = answer_200["p99"] if answer_200 else None
    answer_1000 = endpoint(_steady_or_whole(scenarios.get(P99_PACED_SCENARIO)), "answer")
    p99_paced = answer_1000["p99"] if answer_1000 else None
    p99_text = "not measured"
    if p99 is not None:
        p99_text = f"{p99:.0f} ms once all 200 are logged in"
        if answer_200_whole is not answer_200:
            p99_text += f" ({answer_200_whole['p99']:.0f} ms over the whole run, log-in storm included)"
    failures = sum(s["total"]["failures"] for s in scenarios.values())
    requests = sum(s["total"]["requests"] for s in scenarios.values())
    locust_failed = [name for name, s in scenarios.items() if s.get("locust_exit") or s.get("errors")]
    errors_text = f"{failures} of {requests} requests failed"
    if locust_failed:
        errors_text += f"; locust reported errors in {', '.join(locust_failed)}"
    clean = requests > 0 and failures == 0 and not locust_failed
    cpu = [s["cpu_seconds"] for s in scenarios.values() if s.get("cpu_seconds")]
    capacity = sum(c["wall"] for c in cpu) * (os.cpu_count() or 1)
    other_share = sum(c["other"] for c in cpu) / capacity if capacity else None
    page_bytes = page["page_bytes"] if page else None
    swap_bytes = page["swap_max_bytes"] if page else None

    def target(text, measured, met):
        return {"target": text, "measured": measured, "met": bool(met)}

    targets = [
        target(
            f"answer throughput >= {RATIO_TARGET:.0%} of the single-insert baseline (goal {RATIO_GOAL:.0%})",
            f"{ratio:.0%}" if ratio is not None else "not measured",
            ratio is not None and ratio >= RATIO_TARGET,
        ),
        target(
            f"p99 of answer < {ANSWER_P99_TARGET_MS} ms at 200 learners",
            p99_text,
            p99 is not None and p99 < ANSWER_P99_TARGET_MS,
        ),
        target("0 errors", errors_text, clean),
        target(
            f"first quiz page <= {PAGE_TARGET_BYTES // 1000} KB transferred (HTML, htmx, CSS, JS)",
            f"{page_bytes / 1000:.1f} KB" if page_bytes is not None else "not measured",
            page_bytes is not None and page_bytes <= PAGE_TARGET_BYTES,
        ),
        target(
            f"each htmx swap <= {SWAP_TARGET_BYTES // 1000} KB",
            f"{swap_bytes / 1000:.1f} KB at most" if swap_bytes is not None else "not measured",
            swap_bytes is not None and swap_bytes <= SWAP_TARGET_BYTES,
        ),
        target(
            f"p99 of answer < {ANSWER_P99_PACED_TARGET_MS} ms at 1,000 learners pacing 10-30 s",
            f"{p99_paced:.0f} ms" if p99_paced is not None else "not measured",
            p99_paced is not None and p99_paced < ANSWER_P99_PACED_TARGET_MS,
        ),
    ]
    return {
        "meta": meta,
        "scenarios": scenarios,
        "answer_to_insert_ratio": ratio,
        "answers_only_to_insert_ratio": answer_only_ratio,
        "page_weight": page,
        "failures": failures,
        "requests": requests,
        "clean": clean,
        "other_processes_cpu_share": other_share,
        "targets": targets,
    }


def _per_insert(answer: dict | None, insert: dict | None) -> float | None:
    """Answers per second over inserts per second, when both were measured."""
    return answer["rps"] / insert["rps"] if answer and insert and insert["rps"] else None


def _steady_or_whole(stats: dict | None) -> dict | None:
    """A learner run's stats once every learner is logged in, when there are some; else the whole run's."""
    if stats is None:
        return None
    return stats.get("steady") or stats


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _endpoint_rows(entries: list[dict]) -> list[str]:
    return [
        f"| {'**all**' if e['name'] == 'Aggregated' else e['name']} | {e['method']} | {e['requests']} "
        f"| {e['failures']} | {e['rps']:.1f} | {_ms(e['p50'])} | {_ms(e['p95'])} | {_ms(e['p99'])} |"
        for e in entries
    ]


def render_markdown(report: dict) -> str:
    meta = report["meta"]
    lines = [
        "# MMN Quiz benchmark",
        "",
        f"{meta.get('date', '')} · {meta.get('machine', '')} · gunicorn {meta.get('workers', '?')} sync "
        f"workers, production profile, PostgreSQL · locust {meta.get('locust', '')} on the same machine"
        + (f" · wall time {meta['wall_seconds']:.0f} s" if meta.get("wall_seconds") else "")
        + (f" · load average {meta['load']}" if meta.get("load") else "")
        + (
            " · learners start signed in (sessions made beforehand, no log-in storm)"
            if meta.get("signed_in")
            else ""
        ),
        "",
    ]
    if (share := report.get("other_processes_cpu_share")) and share > 0.05:
        lines += [
            f"**The machine was shared**: other processes used {share:.0%} of its CPU during the load runs, "
            "so throughput and latency here are worse than this stack gives on an idle machine.",
            "",
        ]
    lines += [
        "## Targets",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
    ]
    lines += [
        f"| {t['target']} | {t['measured']} | {'met' if t['met'] else 'NOT MET'} |" for t in report["targets"]
    ]
    if report["answer_to_insert_ratio"] is not None:
        answer = endpoint(_steady_or_whole(report["scenarios"][RATIO_SCENARIOS[0]]), "answer")
        insert = endpoint(report["scenarios"][RATIO_SCENARIOS[1]], "insert")
        lines += [
            "",
            f"Answer throughput at saturation ({RATIO_SCENARIOS[0]}) {answer['rps']:.1f} req/s / "
            f"single-insert baseline {insert['rps']:.1f} req/s = **{report['answer_to_insert_ratio']:.2f}**",
        ]
    if report.get("answers_only_to_insert_ratio") is not None:
        answer = endpoint(_steady_or_whole(report["scenarios"][ANSWERS_ONLY_SCENARIO]), "answer")
        insert = endpoint(report["scenarios"][RATIO_SCENARIOS[1]], "insert")
        lines += [
            "",
            f"For comparison, not the verdict: the answer endpoint on its own at saturation "
            f"({ANSWERS_ONLY_SCENARIO}) {answer['rps']:.1f} req/s / {insert['rps']:.1f} req/s = "
            f"**{report['answers_only_to_insert_ratio']:.2f}**",
        ]
    if report.get("servers"):
        lines += _server_lines(report["servers"])
    for name, stats in report["scenarios"].items():
        lines += _scenario_lines(name, stats)
    if report["page_weight"]:
        lines += _page_lines(report["page_weight"])
    return "\n".join(lines) + "\n"


def _server_lines(servers: dict[str, dict]) -> list[str]:
    """The servers side by side, each ratio against the insert baseline measured under the same server."""
    lines = [
        "",
        "## WSGI servers compared (insert baseline and learners-saturation under each)",
        "",
        "| server | insert req/s | answer req/s | answer / insert | answer p50 ms | answer p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, row in servers.items():
        rps = f"{row['answer_rps']:.1f}" if row["answer_rps"] is not None else "–"
        insert = f"{row['insert_rps']:.1f}" if row["insert_rps"] is not None else "–"
        ratio = f"{row['ratio']:.1%}" if row["ratio"] is not None else "–"
        p50, p99 = _ms(row["answer_p50"]), _ms(row["answer_p99"])
        lines.append(f"| {SERVERS[kind]} | {insert} | {rps} | {ratio} | {p50} | {p99} |")
    measured = {k: r["answer_rps"] for k, r in servers.items() if r["answer_rps"] is not None}
    if measured:
        best = max(measured, key=measured.get)
        lines += ["", f"Most answers per second: **{SERVERS[best]}**."]
    return lines


TABLE_HEAD = [
    "| endpoint | method | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
]


def _scenario_lines(name: str, stats: dict) -> list[str]:
    about = stats.get("scenario", {})
    lines = ["", f"## {name}: {about.get('about', '')}", ""]
    if about:
        lines += [
            f"{about['users']} users, spawn {about['spawn_rate']}/s, {about['seconds']} s, "
            f"think {about['think']} s" + (f" · {stats['cpu']}" if stats.get("cpu") else ""),
            "",
        ]
    lines += [*TABLE_HEAD, *_endpoint_rows([*stats["endpoints"], stats["total"]])]
    if steady := stats.get("steady"):
        lines += [
            "",
            f"Once every learner was logged in (the last {steady['seconds']:.0f} s of the run):",
            "",
            *TABLE_HEAD,
            *_endpoint_rows(steady["endpoints"]),
        ]
    if stats.get("locust_exit"):
        lines.append(f"- locust exited with {stats['locust_exit']}: see bench-results/{name}.log")
    lines += [f"- {error}" for error in stats.get("errors", [])]
    return lines


def _page_lines(page: dict) -> list[str]:
    lines = [
        "",
        "## Page weight (response bodies as transferred, `Accept-Encoding: gzip, br`)",
        "",
        "| resource | encoding | transferred bytes | uncompressed bytes |",
        "|---|---|---:|---:|",
    ]
    lines += [
        f"| {r['url']} | {r['encoding'] or 'none'} | {r['transferred']} | {r['raw']} |"
        for r in page["resources"]
    ]
    lines += [f"| **first quiz page** | | **{page['page_bytes']}** | {page['page_raw_bytes']} |", ""]
    if not page["resources"][0]["encoding"]:
        lines.append(
            f"The app sends its HTML uncompressed; gzipped (as a compressing load balancer would send it) "
            f"the first page's HTML is {page['html_gzip_bytes']} bytes and the whole page "
            f"{page['page_bytes_html_gzipped']} bytes."
        )
    lines.append(
        f"htmx answer swaps ({page['swaps']}): at most {page['swap_max_bytes']} bytes, mean "
        f"{page['swap_mean_bytes']:.0f} bytes as transferred (gzipped at most {page['swap_max_gzip_bytes']})."
    )
    return lines


# -- page weight ------------------------------------------------------------------------------------------


class _Assets(HTMLParser):
    """The stylesheets and scripts a page loads."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # hand the 3xx back, as a browser's fetch with redirect: manual would


class Browser:
    """Just enough of a browser over urllib: cookies, CSRF, bodies as transferred (never decompressed)."""

    def __init__(self, base: str, timeout: float = 30):
        self.base = base
        self.timeout = timeout
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )
        self.csrf = ""

    def request(self, method: str, path: str, fields=None, headers=None, encoding="gzip, br"):
        data = (
            urlencode([("csrfmiddlewaretoken", self.csrf), *fields]).encode() if fields is not None else None
        )
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept-Encoding", encoding)
        if method == "POST":
            request.add_header("X-CSRFToken", self.csrf)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status, head, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:  # 3xx (redirects are not followed) and errors
            status, head, body = exc.code, exc.headers, exc.read()
        if match := re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body):
            self.csrf = match.group(1).decode()
        return status, head, body

    def expect(self, status: int, method: str, path: str, **kwargs):
        got, head, body = self.request(method, path, **kwargs)
        if got != status:
            raise RuntimeError(f"{method} {path}: expected {status}, got {got}: {body[:300]!r}")
        return head, body


def measure_page_weight(base: str, username: str, quiz_pk: int) -> dict:
    """Log in, start the exam, weigh its first page and assets, then answer every item over htmx."""
    browser = Browser(base)
    browser.expect(200, "GET", "/accounts/login/")
    browser.expect(302, "POST", "/accounts/login/", fields=[("username", username), ("password", PASSWORD)])
    browser.expect(200, "GET", "/quizzes/")
    head, _ = browser.expect(302, "POST", f"/quizzes/{quiz_pk}/start/", fields=[])
    attempt = re.search(r"/attempts/[0-9a-f-]{36}/", head["Location"]).group(0)
    first = f"{attempt}items/1/"

    resources = []
    head, html = browser.expect(200, "GET", first)
    parser = _Assets()
    parser.feed(html.decode())
    for url in [first, *parser.urls]:
        head, body = browser.expect(200, "GET", url)
        _, raw = browser.expect(200, "GET", url, encoding="identity")
        resources.append(
            {"url": url, "encoding": head.get("Content-Encoding"), "transferred": len(body), "raw": len(raw)}
        )
    page_bytes = sum(r["transferred"] for r in resources)
    html_gzip = len(gzip.compress(html)) if not resources[0]["encoding"] else resources[0]["transferred"]

    swaps, swaps_gzip, card = [], [], html
    for number in range(1, 1000):
        fields = [("slot", str(number)), *answer_fields(card.decode())]  # the exam draws every item type
        htmx = {"HX-Request": "true", "HX-Current-URL": base + first}
        head, card = browser.expect(200, "POST", f"{attempt}answer/", fields=fields, headers=htmx)
        if head.get("HX-Redirect"):
            break
        swaps.append(len(card))
        swaps_gzip.append(len(gzip.compress(card)))
    browser.expect(200, "GET", f"{attempt}finish/")
    browser.expect(302, "POST", f"{attempt}finish/", fields=[])
    return {
        "resources": resources,
        "page_bytes": page_bytes,
        "page_raw_bytes": sum(r["raw"] for r in resources),
        "html_gzip_bytes": html_gzip,
        "page_bytes_html_gzipped": page_bytes - resources[0]["transferred"] + html_gzip,
        "swaps": len(swaps),
        "swap_max_bytes": max(swaps),
        "swap_mean_bytes": sum(swaps) / len(swaps),
        "swap_max_gzip_bytes": max(swaps_gzip),
    }


# -- setting up: PostgreSQL, the database, the server -----------------------------------------------------


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ensure_postgres() -> None:
    ready = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]
    if subprocess.run(ready).returncode == 0:
        return
    log("starting PostgreSQL")
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])
    for _ in range(30):
        if subprocess.run(ready).returncode == 0:
            return
        time.sleep(1)
    raise RuntimeError("PostgreSQL did not come up on 127.0.0.1:5432")


def ensure_redis(redis_url: str = REDIS_URL) -> None:
    """Production keeps cache and sessions in Redis; the bench does too, so sessions cost no query.

    Empties the Redis database of `redis_url`, which belongs to the run.
    """
    ping = ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"]
    if subprocess.run(ping, capture_output=True).returncode != 0:
        log("starting Redis")
        start = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379"]
        subprocess.run([*start, "--save", "", "--appendonly", "no"])
        for _ in range(30):
            if subprocess.run(ping, capture_output=True).returncode == 0:
                break
            time.sleep(0.5)
        else:
            raise RuntimeError("Redis did not come up on 127.0.0.1:6379")
    subprocess.run(
        [*ping[:-1], "-n", redis_url.rsplit("/", 1)[1], "flushdb"], capture_output=True, check=True
    )


def server_environment(db_name: str = DB_NAME, redis_url: str = REDIS_URL) -> dict[str, str]:
    """The production profile on plain HTTP on loopback, with the bench endpoints on."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mmnquiz.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "MMNQUIZ_BENCH": "1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}",
        "CONN_MAX_AGE": "60",
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
    }


def prepare_database(db_name: str = DB_NAME, learners: int = LEARNERS) -> int:
    """A fresh database with the bank, the learner accounts and the bench table; returns the exam's pk.

    Django is set up in this process from the environment: DATABASE_URL must name `db_name`
    (os.environ.update(server_environment(db_name)) first).
    """
    import psycopg  # the app's venv has it

    if not os.environ.get("DATABASE_URL", "").endswith(f"/{db_name}"):
        raise RuntimeError(f"DATABASE_URL does not name {db_name}: update os.environ first")
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {db_name}")

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection, connections

    from mmnquiz.bench import CREATE_TABLE_SQL
    from quizzes.models import Quiz

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    hashed = make_password(PASSWORD)  # hashing is slow on purpose: once, not 200 times
    names = [f"bench-{i:04d}" for i in range(learners)] + [PAGE_USER]
    users = User.objects.bulk_create(User(username=name, password=hashed) for name in names)
    Group.objects.get(name="Learner").user_set.add(*users)
    with connection.cursor() as cursor:
        for statement in CREATE_TABLE_SQL:
            cursor.execute(statement)
    call_command("collectstatic", interactive=False, verbosity=0)
    quiz_pk = Quiz.objects.get(bank__slug=EXAM[0], slug=EXAM[1]).pk
    connections.close_all()
    return quiz_pk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The WSGI servers `--compare` measures side by side (issue 23): gunicorn's sync workers (one request at a
# time per process), gunicorn's threaded workers, and granian (Rust's HTTP, Python threads for WSGI).
THREADS = 4
SERVERS = {
    "sync": f"gunicorn, {WORKERS} sync workers",
    "gthread": f"gunicorn, {WORKERS} gthread workers x {THREADS} threads",
    "granian": f"granian (WSGI), {os.cpu_count() or 1} workers x {THREADS} blocking threads",
}


def server_command(kind: str, port: int, workers: int = WORKERS) -> list[str]:
    if kind == "granian":
        return [
            *(str(BIN / "granian"), "--interface", "wsgi", "mmnquiz.wsgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(os.cpu_count() or 1)),
            *("--blocking-threads", str(THREADS), "--log-level", "warning", "--no-ws"),
        ]
    command = [str(BIN / "gunicorn"), "mmnquiz.wsgi", "--config", str(ROOT / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", kind]
    return command + (["--threads", str(THREADS)] if kind == "gthread" else [])


def start_gunicorn(
    port: int, env: dict[str, str], workers: int, log_path: Path, kind: str = "sync"
) -> subprocess.Popen:
    """The app server on 127.0.0.1:`port` (gunicorn sync by default; see SERVERS), in a session of its own so
    stop() can end all of it."""
    with open(log_path, "w") as server_log:
        return subprocess.Popen(
            server_command(kind, port, workers),
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn master's children: its workers (none once it is gone)."""
    try:
        return [int(c) for c in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()]
    except OSError:
        return []


def wait_until_up(base: str, process: subprocess.Popen, seconds: int = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see bench-results/gunicorn.log")
        try:
            with urllib.request.urlopen(base + "/bench/noop/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {base} within {seconds} s")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop: the master ends its workers
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session, started below: the master and its workers
        process.wait()


# -- CPU accounting: tells a saturated server from a saturated load generator or a busy machine ------------

TICK = os.sysconf("SC_CLK_TCK")


def _proc_ticks(pid: int) -> int:
    """utime + stime of one process, in clock ticks; 0 once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(stat[11]) + int(stat[12])


def _reaped_ticks(pid: int) -> int:
    """cutime + cstime of one process: what its children used that it has waited for."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(stat[13]) + int(stat[14])


def _cpu_snapshot(server_pid: int) -> dict:
    gunicorn = [server_pid, *worker_pids(server_pid)]
    for pid in list(gunicorn[1:]):  # granian's workers have children of their own
        gunicorn += worker_pids(pid)
    postgres = []  # the bench database's backends (their title names it) and the server's own processes
    # Backends that end between two snapshots (a connection older than CONN_MAX_AGE is replaced) are counted
    # by the postmaster, which waits for them: its children's time.
    postmaster = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                client = b"(" in title or b"[local]" in title  # a backend serving some database
                if title.startswith(b"postgres: ") and (f" {DB_NAME} ".encode() in title or not client):
                    postgres.append(int(entry.name))
                elif title.startswith(b"/usr/lib/postgresql/"):
                    postmaster = int(entry.name)
    # user nice system idle iowait irq softirq steal ...
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    children = os.times()
    return {
        "busy": sum(fields) - fields[3] - fields[4],  # everything but idle and iowait
        "interrupts": fields[5] + fields[6] + fields[7],  # loopback TCP is mostly softirq time
        "gunicorn": {pid: _proc_ticks(pid) for pid in gunicorn},
        "postgres": {pid: _proc_ticks(pid) for pid in postgres},
        "postgres_ended": _reaped_ticks(postmaster) if postmaster else 0,
        "locust": children.children_user + children.children_system,  # seconds, once locust was waited for
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """Core-seconds used between two snapshots: the machine, and what used them."""

    def delta(key: str) -> float:
        return sum(ticks - before[key].get(pid, 0) for pid, ticks in after[key].items()) / TICK

    def ended_backends(before: dict, after: dict) -> float:
        """What backends that ended in between used since the first snapshot (the postmaster reaped them)."""
        reaped = after.get("postgres_ended", 0) - before.get("postgres_ended", 0)
        already = sum(t for pid, t in before["postgres"].items() if pid not in after["postgres"])
        return max(0, reaped - already) / TICK

    used = {
        "machine": (after["busy"] - before["busy"]) / TICK,
        "gunicorn": delta("gunicorn"),
        "postgres": delta("postgres") + ended_backends(before, after),
        "locust": after["locust"] - before["locust"],
        "interrupts": (after["interrupts"] - before["interrupts"]) / TICK,
    }
    used["other"] = max(0.0, used["machine"] - sum(v for k, v in used.items() if k != "machine"))
    return used


# -- the run ----------------------------------------------------------------------------------------------


# What `--compare` runs under each other server: the two scenarios of the throughput ratio.
COMPARED = ("insert", "learners-saturation")


def _compared(runs: dict[str, dict]) -> dict:
    """One server's line in the comparison: the insert baseline, the answer at saturation, their ratio."""
    insert = endpoint(runs.get("insert"), "insert")
    answer = endpoint(_steady_or_whole(runs.get("learners-saturation")), "answer")
    return {
        "insert_rps": insert["rps"] if insert else None,
        "answer_rps": answer["rps"] if answer else None,
        "answer_p50": answer["p50"] if answer else None,
        "answer_p99": answer["p99"] if answer else None,
        "ratio": _per_insert(answer, insert),
    }


def make_sessions(path: Path) -> None:
    """A signed-in session for every bench account (in the database and the shared cache, as a log-in
    makes it), for `--signed-in`: locust's learners then start signed in. Django is set up in this process
    with the servers' settings (prepare_database), so the sessions carry the servers' auth hash."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.db import connections

    keys = {}
    for user in User.objects.filter(username__startswith="bench-"):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "quizzes.accounts.backends.CachedModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys[user.username] = store.session_key
    connections.close_all()
    path.write_text(json.dumps(keys), encoding="utf-8")


def run_scenario(scenario: Scenario, base: str, quiz_pk: int, server_pid: int, suffix: str = "") -> dict:
    prefix = RESULTS / (scenario.name + suffix)
    env = {
        **os.environ,
        "MMNQUIZ_BENCH_QUIZ_PK": str(quiz_pk),
        "MMNQUIZ_BENCH_THINK": scenario.think,
        "MMNQUIZ_BENCH_PASSWORD": PASSWORD,
        "MMNQUIZ_BENCH_USERS": str(LEARNERS),
        "MMNQUIZ_BENCH_STEADY": f"{prefix}_steady.json",
    }
    if scenario.signed_in:
        env["MMNQUIZ_BENCH_SESSIONS"] = str(RESULTS / "sessions.json")  # made by main before the runs
    Path(f"{prefix}_steady.json").unlink(missing_ok=True)
    command = [
        str(LOCUST),
        *("-f", str(LOCUSTFILE), "--headless", "--only-summary", "--csv", str(prefix)),
        *("-u", str(scenario.users), "-r", str(scenario.spawn_rate), "-t", f"{scenario.seconds}s"),
        *("--host", base, "--loglevel", "WARNING", scenario.user_class),
    ]
    log(f"{scenario.name}: {scenario.users} {scenario.user_class} for {scenario.seconds} s")
    before = _cpu_snapshot(server_pid)
    started = time.monotonic()
    with open(f"{prefix}.log", "w") as out:
        locust = subprocess.run(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=scenario.seconds + 120
        )
    wall = time.monotonic() - started
    used = cpu_used(before, _cpu_snapshot(server_pid))
    stats = parse_stats_csv(Path(f"{prefix}_stats.csv"))
    stats["scenario"] = asdict(scenario)
    stats["cpu_seconds"] = {"wall": wall, **used}
    stats["cpu"] = (
        f"CPU: {used['machine']:.0f} of {wall * (os.cpu_count() or 1):.0f} core-s busy; gunicorn "
        f"{used['gunicorn']:.0f}, PostgreSQL {used['postgres']:.0f}, locust {used['locust']:.0f}, kernel "
        f"interrupts {used['interrupts']:.0f}, other processes on the machine {used['other']:.0f}"
    )
    stats["errors"] = read_errors(prefix)
    stats["locust_exit"] = locust.returncode  # non-zero when any request failed, or locust itself did
    if (steady := Path(f"{prefix}_steady.json")).exists():
        stats["steady"] = json.loads(steady.read_text(encoding="utf-8"))
    return stats


def did_not_run(scenario: Scenario, exc: Exception) -> dict:
    nothing = {"method": "", "name": "Aggregated", "requests": 0, "failures": 0, "rps": 0.0}
    return {
        "endpoints": [],
        "total": {**nothing, "p50": None, "p95": None, "p99": None, "avg_bytes": None},
        "scenario": asdict(scenario),
        "errors": [f"the scenario did not run to the end: {exc!r}"],
        "locust_exit": -1,
    }


def read_errors(prefix: Path) -> list[str]:
    """Locust's failed requests and the exceptions raised in the user code, at most ten of each."""
    errors = []
    if (failures := Path(f"{prefix}_failures.csv")).exists():
        with open(failures, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        errors += [f"{r['Method']} {r['Name']}: {r['Error']} ({r['Occurrences']}x)" for r in rows][:10]
    if (exceptions := Path(f"{prefix}_exceptions.csv")).exists():
        with open(exceptions, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        errors += [f"exception in the locustfile: {r['Message']} ({r['Count']}x)" for r in rows][:10]
    return errors


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated scenario names (default: all)")
    parser.add_argument(
        "--compare",
        nargs="?",
        const="gthread,granian",
        default="",
        help=f"then {', '.join(COMPARED)} under these other servers (default: gthread,granian)",
    )
    parser.add_argument(
        "--signed-in",
        action="store_true",
        help="learners start with sessions made beforehand instead of logging in (no log-in storm)",
    )
    args = parser.parse_args()
    others = [kind for kind in args.compare.split(",") if kind]
    if unknown := [kind for kind in others if kind not in SERVERS]:
        parser.error(f"unknown server {unknown[0]!r}; choose among {', '.join(SERVERS)}")
    if "granian" in others and not (BIN / "granian").exists():
        print(
            f"error: {BIN / 'granian'} is missing; `make bench BENCH_ARGS=--compare` installs it",
            file=sys.stderr,
        )
        return 2
    chosen = [s for s in SCENARIOS if not args.only or s.name in args.only.split(",")]
    if not LOCUST.exists():
        print(f"error: {LOCUST} is missing; `make bench` creates it", file=sys.stderr)
        return 2

    started = time.monotonic()
    load_at_start = _load()
    RESULTS.mkdir(exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_environment()
    os.environ.update(env)  # Django, set up in this process for the database, reads the same settings

    ensure_postgres()
    ensure_redis()
    log(f"preparing database {DB_NAME}")
    quiz_pk = prepare_database()
    if args.signed_in or any(scenario.signed_in for scenario in chosen):
        log("making a signed-in session for every learner")
        make_sessions(RESULTS / "sessions.json")
        sessions = str(RESULTS / "sessions.json")
        if args.signed_in:
            os.environ["MMNQUIZ_BENCH_SESSIONS"] = sessions  # locust inherits it
    log(f"starting gunicorn ({WORKERS} workers) on {base}")
    server = None
    scenarios: dict[str, dict] = {}
    page = None
    try:
        server = start_gunicorn(port, env, WORKERS, RESULTS / "gunicorn.log")
        wait_until_up(base, server)
        log("measuring page weight")
        page = measure_page_weight(base, PAGE_USER, quiz_pk)
        for scenario in chosen:
            try:
                scenarios[scenario.name] = run_scenario(scenario, base, quiz_pk, server.pid)
            except (OSError, ValueError, subprocess.SubprocessError) as exc:  # reported, and fails the run
                scenarios[scenario.name] = did_not_run(scenario, exc)
    finally:
        stop(server)
    comparison = {"sync": _compared(scenarios)} if others else {}
    for kind in others:
        log(f"starting {SERVERS[kind]} on {base}")
        server = None
        try:
            server = start_gunicorn(port, env, WORKERS, RESULTS / f"{kind}.log", kind)
            wait_until_up(base, server)
            runs = {}
            for scenario in (s for s in SCENARIOS if s.name in COMPARED):
                try:
                    runs[scenario.name] = run_scenario(scenario, base, quiz_pk, server.pid, suffix=f"@{kind}")
                except (OSError, ValueError, subprocess.SubprocessError) as exc:
                    runs[scenario.name] = did_not_run(scenario, exc)
            comparison[kind] = _compared(runs)
            scenarios.update({f"{name}@{kind}": stats for name, stats in runs.items()})
        except RuntimeError as exc:
            log(f"{kind} did not start: {exc}")
        finally:
            stop(server)

    locust_version = subprocess.run([str(LOCUST), "--version"], capture_output=True, text=True).stdout.split()
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        "workers": WORKERS,
        "locust": locust_version[1] if len(locust_version) > 1 else "?",
        "wall_seconds": time.monotonic() - started,
        # The machine is shared: its load average at the start and at the end of the run, beside the figures.
        "load": f"{load_at_start} at the start, {_load()} at the end",
        "signed_in": args.signed_in,
    }
    report = build_report(scenarios, page, meta)
    report["servers"] = comparison
    (RESULTS / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = render_markdown(report)
    (RESULTS / "report.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    if not report["clean"]:
        log(f"FAILED: {report['targets'][2]['measured']}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
