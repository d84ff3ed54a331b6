"""`make bench`: its report from locust's CSV, and the baseline endpoints that only MMNQUIZ_BENCH mounts."""

import importlib
import os

import pytest
from django.db import connection
from django.test import Client
from django.urls import Resolver404, clear_url_caches, resolve

import mmnquiz.urls
from mmnquiz.bench import CREATE_TABLE_SQL
from tests.bench import run

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def stats_csv(tmp_path, name: str, rows: list[tuple[str, str, int, int, float, int, int, int]]):
    """A locust stats CSV, parsed: (method, name, requests, failures, req/s, p50, p95, p99) per row."""
    lines = [HEADER]
    for method, endpoint, requests, failures, rps, p50, p95, p99 in rows:
        percentiles = [p50, p50, p50, p50, p95, p95, p99, p99, p99, p99, p99]
        lines.append(
            f"{method},{endpoint},{requests},{failures},{p50},{p50},1,{p99},100.0,{rps},0.0,"
            + ",".join(str(p) for p in percentiles)
        )
    total = sum(r[2] for r in rows), sum(r[3] for r in rows), sum(r[4] for r in rows)
    lines.append(
        f",Aggregated,{total[0]},{total[1]},10,10,1,99,100.0,{total[2]},0.0,10,10,10,10,50,50,99,99,99,99,99"
    )
    path = tmp_path / f"{name}_stats.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run.parse_stats_csv(path)


PAGE = {
    "resources": [{"url": "/attempts/x/items/1/", "encoding": None, "transferred": 4000, "raw": 4000}],
    "page_bytes": 24_000,
    "page_raw_bytes": 64_000,
    "html_gzip_bytes": 1500,
    "page_bytes_html_gzipped": 21_500,
    "swaps": 24,
    "swap_max_bytes": 2700,
    "swap_mean_bytes": 2100.0,
    "swap_max_gzip_bytes": 900,
}


def verdicts(report) -> list[bool]:
    return [t["met"] for t in report["targets"]]


def test_report_reads_locust_stats_and_judges_every_target(tmp_path):
    scenarios = {
        "insert": stats_csv(tmp_path, "insert", [("POST", "insert", 9000, 0, 900.0, 30, 60, 80)]),
        "learners-saturation": stats_csv(
            tmp_path,
            "sat",
            [("POST", "answer", 5000, 0, 500.0, 20, 40, 60), ("GET", "item", 200, 0, 20.0, 9, 9, 9)],
        ),
        "learners-200": stats_csv(tmp_path, "200", [("POST", "answer", 3000, 0, 90.0, 12, 50, 95)]),
        "learners-1000": stats_csv(tmp_path, "1000", [("POST", "answer", 9000, 0, 40.0, 15, 60, 140)]),
    }

    report = run.build_report(scenarios, PAGE, {"date": "today"})

    assert report["answer_to_insert_ratio"] == pytest.approx(500 / 900)
    assert run.endpoint(scenarios["learners-200"], "answer")["p99"] == 95
    assert verdicts(report) == [True, True, True, True, True, True]
    assert report["targets"][5]["measured"] == "140 ms"
    markdown = run.render_markdown(report)
    assert "| answer | POST | 5000 | 0 | 500.0 | 20 | 40 | 60 |" in markdown
    assert "NOT MET" not in markdown


def test_report_sets_the_answer_endpoint_alone_beside_the_flow_without_judging_by_it(tmp_path):
    scenarios = {
        "insert": stats_csv(tmp_path, "insert", [("POST", "insert", 9000, 0, 1000.0, 30, 60, 80)]),
        "learners-saturation": stats_csv(tmp_path, "sat", [("POST", "answer", 900, 0, 120.0, 20, 40, 60)]),
        "answers-saturation": stats_csv(
            tmp_path,
            "only",
            [("POST", "answer", 9000, 0, 300.0, 20, 40, 60), ("POST", "start", 360, 0, 12.0, 9, 9, 9)],
        ),
    }

    report = run.build_report(scenarios, PAGE, {})

    assert report["answer_to_insert_ratio"] == pytest.approx(0.12)
    assert report["answers_only_to_insert_ratio"] == pytest.approx(0.3)
    assert not report["targets"][0]["met"] and report["targets"][0]["measured"] == "12%"
    assert (
        "For comparison, not the verdict: the answer endpoint on its own at saturation "
        "(answers-saturation) 300.0 req/s / 1000.0 req/s = **0.30**"
    ) in run.render_markdown(report)


def test_report_marks_missed_targets_and_failed_requests(tmp_path):
    scenarios = {
        "insert": stats_csv(tmp_path, "insert", [("POST", "insert", 9000, 0, 900.0, 30, 60, 80)]),
        "learners-saturation": stats_csv(tmp_path, "sat", [("POST", "answer", 900, 0, 90.0, 220, 260, 290)]),
        "learners-200": stats_csv(tmp_path, "200", [("POST", "answer", 1000, 3, 15.0, 900, 9000, 11000)]),
        "learners-1000": stats_csv(tmp_path, "1000", [("POST", "answer", 9000, 0, 40.0, 90, 140, 150)]),
    }
    page = {**PAGE, "page_bytes": 60_000, "swap_max_bytes": 5_001}

    report = run.build_report(scenarios, page, {})

    assert verdicts(report) == [False, False, False, False, False, False]
    assert report["targets"][2]["measured"] == "3 of 19900 requests failed"
    assert not report["clean"]
    assert run.render_markdown(report).count("NOT MET") == 6


def test_p99_target_uses_the_steady_state_once_every_learner_is_logged_in(tmp_path):
    whole = stats_csv(tmp_path, "200", [("POST", "answer", 1000, 0, 15.0, 900, 9000, 11000)])
    answer = {"method": "POST", "name": "answer", "requests": 600, "failures": 0, "rps": 10.0}
    whole["steady"] = {"seconds": 60.0, "endpoints": [{**answer, "p50": 12, "p95": 40, "p99": 80}]}

    report = run.build_report({"learners-200": whole}, None, {})

    p99 = report["targets"][1]
    assert p99["met"] and p99["measured"].startswith(
        "80 ms once all 200 are logged in (11000 ms over the whole"
    )
    assert "| answer | POST | 600 | 0 | 10.0 | 12 | 40 | 80 |" in run.render_markdown(report)


def test_a_scenario_that_did_not_run_leaves_its_targets_unmet():
    report = run.build_report({}, None, {})

    assert verdicts(report) == [False, False, False, False, False, False]
    assert {t["measured"] for t in report["targets"]} >= {"not measured"}


def test_bench_endpoints_are_absent_unless_switched_on(client, db):
    with pytest.raises(Resolver404):
        resolve("/bench/noop/")
    assert client.get("/bench/noop/").status_code == 404
    assert client.post("/bench/insert/").status_code == 404


@pytest.fixture
def bench_urls(settings):
    """The URLconf as MMNQUIZ_BENCH=1 builds it, put back afterwards."""
    settings.BENCH_ENDPOINTS = True
    importlib.reload(mmnquiz.urls)
    clear_url_caches()
    yield
    settings.BENCH_ENDPOINTS = False
    importlib.reload(mmnquiz.urls)
    clear_url_caches()


def test_bench_switched_on_serves_a_bare_ok(client, bench_urls):
    response = client.get("/bench/noop/")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench table is PostgreSQL DDL")
@pytest.mark.django_db
def test_bench_insert_adds_one_row_without_a_csrf_token(bench_urls):
    client = Client(enforce_csrf_checks=True)
    with connection.cursor() as cursor:
        for statement in CREATE_TABLE_SQL:
            cursor.execute(statement)
    response = client.post("/bench/insert/")
    assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_insert")
        assert cursor.fetchone() == (1,)


def test_a_scenario_that_broke_off_fails_the_run_and_says_why():
    broken = run.did_not_run(run.SCENARIOS[0], TimeoutError("locust hung"))

    report = run.build_report({"noop": broken}, PAGE, {})

    assert not report["clean"]
    assert "the scenario did not run to the end: TimeoutError('locust hung')" in run.render_markdown(report)


def test_report_warns_when_other_processes_took_the_cpu(tmp_path):
    stats = stats_csv(tmp_path, "insert", [("POST", "insert", 9000, 0, 900.0, 30, 60, 80)])
    stats["cpu_seconds"] = {"wall": 20.0, "machine": 40.0, "gunicorn": 15.0, "postgres": 3.0, "locust": 8.0}
    stats["cpu_seconds"] |= {"interrupts": 1.0, "other": 13.0}

    report = run.build_report({"insert": stats}, PAGE, {})

    assert report["other_processes_cpu_share"] == pytest.approx(13 / (20 * (os.cpu_count() or 1)))
    assert "**The machine was shared**" in run.render_markdown(report)
