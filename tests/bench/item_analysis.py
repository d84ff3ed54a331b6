"""`make bench-analysis`: item analysis over 100,000 responses on PostgreSQL, timed.

Builds a fresh database `mmnquiz_bench_analysis` (migrate, the MMN bank) holding 4,000 learners with one
finished attempt each at the 25-question MMN exam, drawn at random from the bank's 72 questions like a real
exam: 100,000 slots, each with its response, the marks from a simple ability model (a learner's ability
against an item's difficulty) so the statistics have something to find. Then it times, several times over:

- the exam's item analysis, first attempts (the page's default: the database counts, one pass over them),
- the same over every attempt,
- the bank's item analysis (every quiz of the bank, no whole-quiz figures),
- the whole item analysis page as the educator gets it (through Django's test client, template included).

Prints the median and the fastest run of each, writes bench-results/item-analysis.json, and exits 1 when a
median of the computation is above the target of one second. The database is dropped afterwards unless
--keep is given. Everything stays on 127.0.0.1.
"""

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run import PG_ADMIN_URL, RESULTS, ensure_postgres, log  # noqa: E402

DB_NAME = "mmnquiz_bench_analysis"
LEARNERS = 4_000
SLOTS = 25  # the MMN exam's questions: 4,000 x 25 = 100,000 responses
TARGET_SECONDS = 1.0
RUNS = 7


def build(seed: int) -> tuple[int, str]:
    """The database, its bank and the attempts; returns the exam's pk and the bank's slug."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DB_NAME}")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.utils import timezone

    from quizzes.demo import ensure_demo_accounts, load_mmn_bank
    from quizzes.models import Attempt, Question, Quiz, Response, ResponseChange, Slot

    call_command("migrate", interactive=False, verbosity=0)
    ensure_demo_accounts()
    load_mmn_bank()
    exam = Quiz.objects.get(bank__slug="mmn", slug="exam")
    versions = [
        q.current_version for q in Question.objects.filter(bank=exam.bank).select_related("current_version")
    ]
    rng = random.Random(seed)
    difficulty = {v.pk: rng.gauss(-0.5, 1.0) for v in versions}  # most items fairly easy, as in a real bank

    log(f"creating {LEARNERS} learners")
    users = User.objects.bulk_create(
        (User(username=f"analysis-{n:05d}", password="!") for n in range(LEARNERS)), batch_size=2_000
    )
    now = timezone.now()
    log(f"creating {LEARNERS} finished attempts with {LEARNERS * SLOTS} responses")
    started = time.perf_counter()
    attempts, slots, marks = [], [], []  # marks[i]: (points, answer) of slots[i]
    for n, user in enumerate(users):
        drawn = rng.sample(versions, SLOTS)
        ability = rng.gauss(0.0, 1.0)
        finished = now - timedelta(minutes=n)
        attempt = Attempt(
            user=user,
            quiz=exam,
            mode=exam.mode,
            seed=n,
            slot_count=SLOTS,
            started_at=finished - timedelta(minutes=20),
            finished_at=finished,
            max_points=sum(v.max_points for v in drawn),
            points=0.0,
        )
        attempts.append(attempt)
        for number, version in enumerate(drawn, start=1):
            slots.append(Slot(attempt=attempt, number=number, version=version))
            right = rng.random() < 1 / (1 + math.exp(difficulty[version.pk] - ability))
            options = version.spec.get("options")
            if options:  # a choice item: the key, or one wrong option
                keys = [o["id"] for o in options if o["correct"]]
                answer = keys if right else [rng.choice([o["id"] for o in options if not o["correct"]])]
            else:  # other item types: their answers are not counted per option, only grouped
                answer = {"right": right}
            marks.append((version.max_points if right else 0.0, answer))
            attempt.points += marks[-1][0]
    Attempt.objects.bulk_create(attempts, batch_size=2_000)
    Slot.objects.bulk_create(slots, batch_size=5_000)
    # Half the answers come with a confidence, a third of those "sure"; one in ten was changed once.
    responses = [
        Response(
            slot=slot,
            answer=mark[1],
            points=mark[0],
            max_points=slot.version.max_points,
            confidence=rng.choice(["", "", "", "sure", "unsure", "guessing"]),
            answered_at=slot.attempt.finished_at,
        )
        for slot, mark in zip(slots, marks, strict=True)
    ]
    Response.objects.bulk_create(responses, batch_size=5_000)
    changes = [
        ResponseChange(
            slot=slot,
            answer=mark[1],
            points=slot.version.max_points - mark[0],  # the other way round
            answered_at=slot.attempt.finished_at - timedelta(minutes=5),
            replaced_at=slot.attempt.finished_at - timedelta(minutes=2),
        )
        for slot, mark in zip(slots, marks, strict=True)
        if rng.random() < 0.1
    ]
    ResponseChange.objects.bulk_create(changes, batch_size=5_000)
    log(
        f"built in {time.perf_counter() - started:.1f} s: {len(slots)} slots, {len(responses)} responses, "
        f"{len(changes)} changed"
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return exam.pk, exam.bank.slug


def timed(function, runs: int) -> dict:
    function()  # warm-up: connections, caches, query plans
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return {"median_s": statistics.median(seconds), "best_s": min(seconds), "runs": runs}


def measure(exam_pk: int, bank_slug: str, runs: int) -> dict:
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from quizzes.models import Quiz, Response, Slot
    from quizzes.teaching import analysis

    bank_quizzes = list(Quiz.objects.filter(bank__slug=bank_slug).values_list("pk", flat=True))

    def quiz_analysis(which=analysis.Which.FIRST):
        return analysis.run([exam_pk], which=which)

    def bank_analysis():
        return analysis.run(bank_quizzes, whole_test=False)

    result, _ = quiz_analysis()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="educator"))
    page_url = reverse("quizzes:quiz-analysis", args=[exam_pk])

    def page():
        response = client.get(page_url)
        assert response.status_code == 200 and b"4000 attempts analyzed" in response.content, response

    return {
        "responses": Response.objects.count(),
        "slots": Slot.objects.count(),
        "attempts_analysed": result.attempts,
        "items": len(result.items),
        "cronbach_alpha_percent": result.test.cic,
        "timings": {
            "quiz, first attempts (default)": timed(quiz_analysis, runs),
            "quiz, every attempt": timed(lambda: quiz_analysis(analysis.Which.ALL), runs),
            "bank": timed(bank_analysis, runs),
            "the page, through the test client": timed(page, runs),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    ensure_postgres()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="mmnquiz.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        DEBUG="true",
        CONN_MAX_AGE="60",
    )
    os.environ.pop(
        "REDIS_URL", None
    )  # sessions of the test client in the local cache: nothing to measure there
    try:
        exam_pk, bank_slug = build(args.seed)
        report = measure(exam_pk, bank_slug, args.runs)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")

    report["target_s"] = TARGET_SECONDS
    computations = [v for k, v in report["timings"].items() if not k.startswith("the page")]
    report["met"] = all(t["median_s"] < TARGET_SECONDS for t in computations)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "item-analysis.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print(
        f"Item analysis over {report['responses']:,} responses ({report['slots']:,} slots, "
        f"{report['attempts_analysed']:,} attempts, {report['items']} items; "
        f"Cronbach's alpha {report['cronbach_alpha_percent']:.1f}%), {args.runs} runs each:"
    )
    for name, timing in report["timings"].items():
        print(
            f"  {name:36} median {timing['median_s'] * 1000:7.0f} ms   best {timing['best_s'] * 1000:7.0f} ms"
        )
    verdict = "met" if report["met"] else "NOT met"
    print(f"Target: the computation under {TARGET_SECONDS:.0f} s: {verdict}.")
    return 0 if report["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
