"""`make faults`: the check of the database against what was acknowledged, and the verdict on a run."""

import pytest

from tests.bench import faults

CODE = "0ec3df42-740c-43f1-8059-864a5261f256"


def test_audit_passes_when_every_acknowledged_answer_is_stored_once():
    acknowledged = {(CODE, 1): "a", (CODE, 2): "c"}
    stored = [(CODE, 1, 101, ["a"]), (CODE, 2, 102, ["c"]), (CODE, 3, 103, ["b"])]
    found = faults.audit(acknowledged, stored)
    assert found["lost"] == [] and found["duplicated"] == []
    # A response lost on its way back leaves an answer nobody acknowledged: allowed, and listed.
    assert found["stored_unacknowledged"] == [f"{CODE} slot 3"]


def test_audit_finds_a_missing_answer_a_stale_answer_and_a_doubled_slot():
    acknowledged = {(CODE, 1): "a", (CODE, 2): "d", (CODE, 3): "b"}
    stored = [(CODE, 2, 102, ["c"]), (CODE, 3, 103, ["b"]), (CODE, 3, 103, ["b"])]
    found = faults.audit(acknowledged, stored)
    assert found["lost"] == [
        f"{CODE} slot 1: acknowledged a, no response stored",
        f"{CODE} slot 2: acknowledged d, stored ['c']",  # an exam change acknowledged, then lost
    ]
    assert found["duplicated"] == [f"{CODE} slot 3: 2 responses"]


@pytest.fixture
def clean_run(monkeypatch) -> tuple[faults.Run, dict]:
    """The figures of a run in which everything was acknowledged and a worker was killed and replaced."""
    monkeypatch.setattr(faults, "LEARNERS", 2)  # a browser each, and each loads the CA certificates
    run = faults.Run("http://127.0.0.1:9", quiz_pk=1, deadline=0.0)
    run.tally.counts.update(answers=run.planned_answers, acknowledged=run.planned_answers)
    kill = {"pid": 4242, "after_answers": 360, "replaced_after_s": 0.1}
    return run, kill


def verdict(run, kill, found=None, doubled_attempts=0, errors=()) -> dict:
    found = found or {"lost": [], "duplicated": [], "stored": 1000, "stored_unacknowledged": []}
    return faults.build_report(
        run, kill, found, doubled_attempts, list(errors), {"date": "", "wall_seconds": 1}
    )


def test_a_clean_run_passes_and_its_report_lists_the_figures(clean_run):
    report = verdict(*clean_run)
    assert report["clean"] and report["failures"] == []
    markdown = faults.render_markdown(report)
    assert "| responses lost (must be 0) | 0 |" in markdown and "| threads | 16 |" in markdown
    assert markdown.rstrip().endswith("PASS")


def test_a_run_fails_on_a_lost_answer_a_final_5xx_a_missing_kill_or_an_unfinished_learner(clean_run):
    run, kill = clean_run
    lost = {"lost": ["x"], "duplicated": [], "stored": 999, "stored_unacknowledged": []}
    assert verdict(run, kill, found=lost)["failures"] == ["responses lost: 1, must be 0"]
    assert verdict(run, {})["failures"] == ["no worker was killed"]
    assert verdict(run, kill, errors=["bench-0001: the run's time limit passed"])["clean"] is False
    run.tally.add("5xx after retries")
    assert "5xx after retries: 1, must be 0" in verdict(run, kill)["failures"]
    run.tally.counts["acknowledged"] -= 1
    missing_one = f"{run.planned_answers - 1} of {run.planned_answers} answers acknowledged"
    assert missing_one in verdict(run, kill)["failures"]


def test_the_faults_server_binds_parameters_on_the_client_so_the_kill_can_see_which_slot_is_written():
    """Bound by the server, PostgreSQL shows `$1` where the slot id was: no answer could be caught in flight
    (make faults then killed no worker at all when the run ended within the 10 s it looks)."""
    assert faults.faults_environment()["DATABASE_PREPARED_STATEMENTS"] == "off"
    client_bound = 'INSERT INTO "quizzes_response" ("slot_id", "answer", "points") VALUES (4711, 1, 1.0)'
    server_bound = 'INSERT INTO "quizzes_response" ("slot_id", "answer", "points") VALUES ($1, $2, $3)'
    assert faults.ANSWER_WRITE.search(client_bound).group(1) == "4711"
    assert faults.ANSWER_WRITE.search(server_bound) is None
