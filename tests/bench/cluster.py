"""`make bench-cluster`: two app servers behind nginx, one database, one stopped and restarted mid-run.

Issue 23's scale-out proof, on loopback: Debian's nginx (started and stopped here, its files in a temporary
folder) balances round robin, with no stickiness, over two gunicorn servers on different ports that share
PostgreSQL and Redis, so a learner's consecutive requests land on both. Locust drives LEARNERS learners
through nginx (the bench's learner flow, a short pause between steps). Once they are all signed in, both
servers serve a while; then one is stopped with SIGTERM (gunicorn finishes what it is serving and takes no
more; nginx sends what it cannot deliver to the other, POSTs included: `proxy_next_upstream ...
non_idempotent`, safe since an answer sent twice is stored once); later it is started again.

Then the database is checked: every answer locust saw acknowledged is stored, none twice (no answer was
changed, no ResponseChange, one attempt under way per learner), and no learner was ever sent to the log-in
page or refused for a stale CSRF token (a lost session). The report (bench-results/cluster.md and .json) gives
those counts and the answers per second with two servers, with one, and with two again, from the responses'
own timestamps. Exits non-zero when anything was lost, duplicated or failed. Everything started is stopped.

    .venv/bin/python tests/bench/cluster.py   (CLUSTER_DB and CLUSTER_REDIS_URL move it elsewhere)
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # noqa: E402 - tests/bench/run.py, beside this file
    LOCUST,
    LOCUSTFILE,
    PASSWORD,
    RESULTS,
    WORKERS,
    ensure_postgres,
    ensure_redis,
    free_port,
    log,
    prepare_database,
    server_environment,
    start_gunicorn,
    stop,
    wait_until_up,
)

DB_NAME = os.environ.get("CLUSTER_DB", "mmnquiz_cluster")
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/9")
LEARNERS = 200
THINK = "0-1"  # seconds between a learner's steps: close to what two servers on this machine can take
SPAWN_RATE = 5
PHASE_SECONDS = 50  # two servers, then one, then two again, each this long once every learner is signed in
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream mmnquiz_app {{
        # Round robin, no stickiness: a learner's next request may go to either server.
        server 127.0.0.1:{a} max_fails=1 fail_timeout=2s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=2s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://mmnquiz_app;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # A server that refuses the connection (stopping, stopped) or answers 502/503: try the other,
            # POSTs too (an answer sent twice is stored once: see make faults).
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_next_upstream_tries 2;
        }}
    }}
}}
"""


def start_nginx(folder: Path, port: int, a: int, b: int) -> subprocess.Popen:
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=folder, port=port, a=a, b=b), encoding="utf-8")
    command = [NGINX, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"nginx exited with {process.returncode}: {(folder / 'error.log').read_text()}"
            )
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/noop/", timeout=2).close()
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("nginx did not answer")


def stop_nginx(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGQUIT)  # graceful: workers finish their requests
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for(path: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.5)
    return False


def wait_until_signed_in(learners: int, locust: subprocess.Popen, seconds: float) -> bool:
    """Until every bench learner has logged in (Django stamps last_login), or `seconds` have passed."""
    from django.contrib.auth.models import User
    from django.db import connection

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and locust.poll() is None:
        signed_in = User.objects.filter(username__startswith="bench-", last_login__isnull=False).count()
        connection.close()
        if signed_in >= learners:
            return True
        time.sleep(2)
    return False


def check(acknowledged: list, phases: list[tuple[str, datetime, datetime]]) -> dict:
    """The database against what locust saw: lost, duplicated, and answers per second in each phase."""
    from django.db.models import Count

    from quizzes.models import Attempt, Response, ResponseChange

    stored = set(
        Response.objects.filter(slot__attempt__user__username__startswith="bench-").values_list(
            "slot__attempt__code", "slot__number"
        )
    )
    stored = {(str(code), number) for code, number in stored}
    lost = [pair for pair in {tuple(a) for a in acknowledged} if pair not in stored]
    bench = Response.objects.filter(slot__attempt__user__username__startswith="bench-")
    open_twice = (
        Attempt.objects.filter(user__username__startswith="bench-", finished_at__isnull=True)
        .values("user", "quiz")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    rates = {}
    for name, start, end in phases:
        answered = bench.filter(answered_at__gte=start, answered_at__lt=end).count()
        rates[name] = answered / (end - start).total_seconds()
    return {
        "acknowledged": len(acknowledged),
        "acknowledged_distinct": len({tuple(a) for a in acknowledged}),
        "stored": len(stored),
        "lost": len(lost),
        "lost_examples": [list(p) for p in lost[:10]],
        "changed": bench.filter(changed_at__isnull=False).count()
        + ResponseChange.objects.filter(slot__attempt__user__username__startswith="bench-").count(),
        "attempts_open_twice": open_twice,
        "answers_per_second": rates,
    }


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _verdict(count: int) -> str:
    return "met" if not count else "NOT MET"


def main() -> int:
    if not LOCUST.exists():
        print(f"error: {LOCUST} is missing; `make bench-cluster` creates it", file=sys.stderr)
        return 2
    if not Path(NGINX).exists():
        print("error: nginx is missing; `make bench-cluster` installs Debian's package", file=sys.stderr)
        return 2
    started = time.monotonic()
    load_at_start = _load()
    RESULTS.mkdir(exist_ok=True)
    env = {**server_environment(DB_NAME, REDIS_URL), "TRUSTED_PROXIES": "1"}
    os.environ.update(env)
    ensure_postgres()
    ensure_redis(REDIS_URL)
    log(f"preparing database {DB_NAME}")
    quiz_pk = prepare_database(DB_NAME, LEARNERS)
    a, b, port = free_port(), free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    folder = Path(tempfile.mkdtemp(prefix="mmnquiz-nginx-"))
    servers: dict[int, subprocess.Popen | None] = {a: None, b: None}
    nginx = locust = None
    phases, marks = [], {}
    acks_path = RESULTS / "cluster_locust.json"
    steady_path = RESULTS / "cluster_steady.json"
    acks_path.unlink(missing_ok=True)
    steady_path.unlink(missing_ok=True)
    try:
        for server_port in servers:
            servers[server_port] = start_gunicorn(
                server_port, env, WORKERS, RESULTS / f"cluster-{server_port}.log"
            )
            wait_until_up(f"http://127.0.0.1:{server_port}", servers[server_port])
        nginx = start_nginx(folder, port, a, b)
        log(
            f"nginx on {base} over gunicorn on {a} and {b} ({WORKERS} sync workers each); {LEARNERS} learners"
        )
        locust_env = {
            **os.environ,
            "MMNQUIZ_BENCH_QUIZ_PK": str(quiz_pk),
            "MMNQUIZ_BENCH_THINK": THINK,
            "MMNQUIZ_BENCH_PASSWORD": PASSWORD,
            "MMNQUIZ_BENCH_USERS": str(LEARNERS),
            "MMNQUIZ_BENCH_CLUSTER": str(acks_path),
            "MMNQUIZ_BENCH_STEADY": str(steady_path),
        }
        prefix = RESULTS / "cluster"
        command = [
            str(LOCUST),
            *("-f", str(LOCUSTFILE), "--headless", "--only-summary", "--csv", str(prefix)),
            *("-u", str(LEARNERS), "-r", str(SPAWN_RATE), "--host", base, "--loglevel", "WARNING", "Learner"),
        ]
        out = open(f"{prefix}.log", "w")  # noqa: SIM115 - closed once locust has stopped
        locust = subprocess.Popen(command, env=locust_env, stdout=out, stderr=subprocess.STDOUT)
        # Every learner signs in first (each log-in hashes a password): the phases start once all have.
        log("waiting for every learner to sign in")
        if not wait_until_signed_in(LEARNERS, locust, seconds=600):
            log("not every learner signed in within 10 minutes: the phases start anyway")
        for name, action in (("two servers", None), ("one server", "stop"), ("two servers again", "start")):
            if action == "stop":
                log(f"SIGTERM to the server on {b}")
                marks["stopped"] = datetime.now(UTC).isoformat()
                stop(servers[b])
                servers[b] = None
            elif action == "start":
                log(f"starting the server on {b} again")
                servers[b] = start_gunicorn(b, env, WORKERS, RESULTS / f"cluster-{b}-again.log")
                wait_until_up(f"http://127.0.0.1:{b}", servers[b])
                marks["restarted"] = datetime.now(UTC).isoformat()
            begin = datetime.now(UTC)
            time.sleep(PHASE_SECONDS)
            phases.append((name, begin, datetime.now(UTC)))
        locust.send_signal(signal.SIGINT)  # stop: locust writes its CSVs and our JSON
        locust.wait(timeout=60)
        out.close()
    finally:
        if locust is not None and locust.poll() is None:
            locust.kill()
        stop_nginx(nginx)
        for process in servers.values():
            stop(process)
        shutil.rmtree(folder, ignore_errors=True)

    if not wait_for(acks_path, 10):
        log("locust wrote no report: see bench-results/cluster.log")
        return 1
    seen = json.loads(acks_path.read_text(encoding="utf-8"))
    result = check(seen["acknowledged"], phases)
    from run import parse_stats_csv

    stats = parse_stats_csv(RESULTS / "cluster_stats.csv")
    failures = stats["total"]["failures"]
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "learners": LEARNERS,
        "think": THINK,
        "workers_per_server": WORKERS,
        "load": f"{load_at_start} at the start, {_load()} at the end",
        "wall_seconds": time.monotonic() - started,
        "phases": [(name, s.isoformat(), e.isoformat()) for name, s, e in phases],
        "marks": marks,
        "sessions_lost": len(seen["sessions_lost"]),
        "sessions_lost_examples": seen["sessions_lost"][:10],
        "retried": seen["retried"],
        "requests": stats["total"]["requests"],
        "failures": failures,
        **result,
    }
    (RESULTS / "cluster.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = render(report)
    (RESULTS / "cluster.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    ok = not (report["lost"] or report["changed"] or report["attempts_open_twice"] or report["sessions_lost"])
    return 0 if ok and not failures else 1


def render(r: dict) -> str:
    rates = r["answers_per_second"]
    lines = [
        "# Two app servers behind nginx, one stopped and restarted",
        "",
        f"{r['date']} · {r['learners']} learners through nginx (round robin, no stickiness), {r['think']} s "
        f"between steps · two gunicorn servers, {r['workers_per_server']} sync workers each, one PostgreSQL, "
        f"one Redis · load average {r['load']} · wall time {r['wall_seconds']:.0f} s",
        "",
        "| check | count | verdict |",
        "|---|---:|---|",
        f"| answers acknowledged (distinct slots) | {r['acknowledged_distinct']} | |",
        f"| answers lost (acknowledged, not stored) | {r['lost']} | {_verdict(r['lost'])} |",
        f"| answers duplicated (stored as changed) | {r['changed']} | {_verdict(r['changed'])} |",
        f"| attempts started twice | {r['attempts_open_twice']} | {_verdict(r['attempts_open_twice'])} |",
        f"| sessions lost (sent to log in, or a stale CSRF token) | {r['sessions_lost']} "
        f"| {_verdict(r['sessions_lost'])} |",
        f"| requests failed, after retries | {r['failures']} of {r['requests']} "
        f"| {_verdict(r['failures'])} |",
        f"| POSTs sent again by a learner (no server took them) | {r['retried']} | |",
        "",
        "| phase | answers/s (stored, by their timestamps) |",
        "|---|---:|",
        *[f"| {name} | {rate:.1f} |" for name, rate in rates.items()],
        "",
        f"One server stopped (SIGTERM) at {r['marks'].get('stopped', '?')}, started again at "
        f"{r['marks'].get('restarted', '?')}. Both servers share this machine's cores with nginx, "
        "PostgreSQL, Redis and locust, so a second server adds processes, not CPU: the figures show the "
        "fail-over, not a second machine's capacity.",
    ]
    if r["lost_examples"]:
        lines.append(f"Lost (attempt, slot): {r['lost_examples']}")
    lines += [f"- {example}" for example in r["sessions_lost_examples"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
