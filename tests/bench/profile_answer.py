"""`make bench-profile`: where one htmx exam answer spends its time, in process, under cProfile.

The production profile (DEBUG off, Redis cache and sessions, PostgreSQL with CONN_MAX_AGE) in a database of
its own (dropped afterwards): a learner answers every item of the 25-question exam over htmx, ATTEMPTS times,
through Django's test client (the whole middleware stack; no network, no server). Prints the time and
queries per answer, the time by area (database round trips, SQL compilation, templates, middleware, ...) and
the functions that cost the most. Needs PostgreSQL and Redis on 127.0.0.1 (its Redis database is emptied).

    .venv/bin/python tests/bench/profile_answer.py [--attempts 8] [--db mmnquiz_profile] [--redis URL]
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from answers import answer_fields  # noqa: E402

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"

# Where the time goes: each area is the cumulative time of the outermost call of a function (nested areas
# overlap: the view includes the domain and the rendering; the shares do not add up to 100 %).
AREAS = [
    ("the whole request (test client's handler)", ("django/test/client.py", "__call__")),
    ("the answer view (attempt_answer)", ("quizzes/views/taking.py", "attempt_answer")),
    ("- recording (answer_in_one_read)", ("quizzes/taking/attempts.py", "answer_in_one_read")),
    ("- rendering the next card (_render_item)", ("quizzes/views/taking.py", "_render_item")),
    ("database round trips (psycopg's wait)", ("psycopg/connection.py", "wait")),
    ("SQL compilation (SQLCompiler.as_sql)", ("django/db/models/sql/compiler.py", "as_sql")),
    ("template rendering (Template.render)", ("django/template/base.py", "render")),
    ("session load (SessionStore.load, Redis)", ("django/contrib/sessions/backends/cached_db.py", "load")),
    ("user lookup (auth.get_user, Redis)", ("django/contrib/auth/__init__.py", "get_user")),
    ("CSRF check (CsrfViewMiddleware.process_view)", ("django/middleware/csrf.py", "process_view")),
]


def setup(db: str, redis_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mmnquiz.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
            "CONN_MAX_AGE": "60",
            "REDIS_URL": redis_url,
        }
    )
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {db}")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)  # the production profile's manifest
    cache.clear()


def drop(db: str) -> None:
    from django.db import connections

    connections.close_all()
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def answer_all(client, attempt, profiler: cProfile.Profile | None) -> tuple[float, int, int]:
    """Answer every item of `attempt` over htmx; (seconds spent in the answer POSTs, answers, queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/attempts/{attempt.code}/"
    card = client.get(f"{url}items/1/").content.decode()
    spent, answers, queries = 0.0, 0, 0
    for number in range(1, attempt.slot_count + 1):
        shown = re.search(r'name="shown" value="([^"]+)"', card)
        fields = {"slot": [str(number)], "shown": [shown.group(1) if shown else ""]}
        for name, value in answer_fields(card):
            fields.setdefault(name, []).append(value)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            response = client.post(f"{url}answer/", fields, headers={"HX-Request": "true"})
            if profiler:
                profiler.disable()
            spent += time.perf_counter() - started
        queries += sum(q["sql"] not in ("BEGIN", "COMMIT") for q in ctx.captured_queries)
        if os.environ.get("PROFILE_SHOW_SQL") and number == 2:
            print("\n".join(q["sql"][:200] for q in ctx.captured_queries), file=sys.stderr)
        answers += 1
        if response.status_code != 200:
            raise RuntimeError(f"answer {number}: {response.status_code}")
        card = response.content.decode()
    return spent, answers, queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=8)
    parser.add_argument("--db", default="mmnquiz_profile")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    setup(args.db, args.redis)
    try:
        from django.contrib.auth.models import Group, User
        from django.db import connection
        from django.test import Client

        from quizzes.models import Quiz
        from quizzes.taking import attempts

        exam = Quiz.objects.get(bank__slug="mmn", slug="exam")
        connection.force_debug_cursor = False
        profiler = cProfile.Profile()
        totals = [0.0, 0, 0]
        for n in range(args.attempts + 1):  # the first is a warm-up (imports, template loading), not counted
            user = User.objects.create_user(f"profile-{n}", password=None)
            user.groups.add(Group.objects.get(name="Learner"))
            client = Client()
            client.force_login(user)
            attempt = attempts.start_attempt(user, exam)
            spent, answers, queries = answer_all(client, attempt, profiler if n else None)
            if n:
                totals = [totals[0] + spent, totals[1] + answers, totals[2] + queries]
        spent, answers, queries = totals
        print(f"# One htmx exam answer, in process ({answers} answers over {args.attempts} attempts)\n")
        print(f"- {spent / answers * 1000:.2f} ms an answer (under cProfile, which slows Python calls)")
        print(f"- {queries / answers:.2f} statements an answer, BEGIN and COMMIT apart\n")
        stats = pstats.Stats(profiler)
        print("| area | ms an answer | share of the request |\n|---|---:|---:|")
        whole = None
        for label, (file, function) in AREAS:
            cumulative = max(
                (
                    ct
                    for (path, _, name), (_, _, _, ct, _) in stats.stats.items()
                    if path.endswith(file) and name == function
                ),
                default=0.0,
            )
            whole = whole or cumulative
            print(f"| {label} | {cumulative / answers * 1000:.2f} | {cumulative / whole:.0%} |")
        print(f"\nThe {args.top} functions that cost the most time of their own:\n\n```")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(args.top)
        print(out.getvalue().split("\n", 4)[-1].strip())
        print("```")
    finally:
        drop(args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
