"""`make bench-import`: a 2 MB GIFT file of short questions, previewed and imported, on SQLite and PostgreSQL.

Builds the file (about 2 MB, just under the upload limit: tens of thousands of short true/false and
single-answer questions over a few categories, every tenth one titled `::same::` so slug
de-duplication is exercised), then, for each database in a process of its own (settings are per
process): migrate a fresh database, and time
- the preview: decode, parse and fit into the bank (what the upload step does before rendering),
- the confirm: parse again and import_bank, all in one transaction.

Prints both timings per database, writes bench-results/imports.json, and exits 1 when preview plus
confirm takes 10 s or more on either database. The PostgreSQL database `mmnquiz_bench_imports` is
dropped afterwards; the SQLite one is a temporary file.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run import PG_ADMIN_URL, RESULTS, ensure_postgres, log  # noqa: E402

DB_NAME = "mmnquiz_bench_imports"
TARGET_SECONDS = 10.0


def gift_file(size: int) -> str:
    """GIFT text of about `size` bytes (UTF-8), short questions only."""
    blocks, total, n = [], 0, 0
    while total < size:
        if n % 2000 == 0:
            blocks.append(f"$CATEGORY: $course$/top/Topic {n // 2000 + 1}")
        title = "same" if n % 10 == 0 else f"q{n}"
        if n % 2:
            blocks.append(f"::{title}::Is {n} even? {{F####{n} is odd.}}")
        else:
            blocks.append(f"::{title}::Pick {n}. {{={n} ~{n + 1} ####It is {n}.}}")
        total += len(blocks[-1]) + 2
        n += 1
    return "\n\n".join(blocks) + "\n"


def measure(path: Path) -> dict:
    """In this process: migrate, then time preview and confirm of the file at `path` into a new bank."""
    import django

    django.setup()
    from django.core.management import call_command

    from quizzes.formats import convert
    from quizzes.formats.common import decode
    from quizzes.formats.database import import_bank
    from quizzes.models import Bank, QuestionVersion

    call_command("migrate", interactive=False, verbosity=0)
    bank = Bank.objects.create(slug="bench", title="Bench")
    raw = path.read_bytes()

    def parse():
        result = convert.parse(decode(raw), "gift", slug=bank.slug, title=bank.title)
        result.bank = convert.into_bank(result.bank, bank)
        return result

    started = time.perf_counter()
    result = parse()
    preview = time.perf_counter() - started
    started = time.perf_counter()
    report = import_bank(parse().bank)
    confirm = time.perf_counter() - started
    started = time.perf_counter()
    again = import_bank(parse().bank)  # the same file again: every question unchanged
    reload = time.perf_counter() - started
    assert report.created == len(result.bank.questions) == QuestionVersion.objects.count()
    assert again.unchanged == report.created and again.new_versions == 0
    return {
        "questions": report.created,
        "preview_s": round(preview, 3),
        "confirm_s": round(confirm, 3),
        "reload_unchanged_s": round(reload, 3),
        "total_s": round(preview + confirm, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bytes", type=int, default=2 * 1024 * 1024 - 4096)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process's own run
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0

    # DEBUG off, as in production: with it on, Django keeps every query of the run in memory.
    os.environ.update(
        DJANGO_SETTINGS_MODULE="mmnquiz.settings",
        DEBUG="false",
        SECRET_KEY="bench-imports",
        ALLOWED_HOSTS="127.0.0.1",
    )
    os.environ.pop("REDIS_URL", None)
    report: dict = {"target_s": TARGET_SECONDS, "databases": {}}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.gift"
        path.write_text(gift_file(args.bytes), encoding="utf-8")
        report["file_bytes"] = path.stat().st_size
        log(f"built {path.stat().st_size:,} bytes of GIFT")
        ensure_postgres()
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {DB_NAME}")
        urls = {
            "sqlite": f"sqlite:///{tmp}/bench.sqlite3",
            "postgresql": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        }
        try:
            for name, url in urls.items():
                log(f"importing into {name}")
                child = subprocess.run(
                    [sys.executable, __file__, "--measure", str(path)],
                    env=os.environ | {"DATABASE_URL": url},
                    capture_output=True,
                    text=True,
                )
                if child.returncode:
                    sys.stderr.write(child.stderr)
                    return 1
                report["databases"][name] = json.loads(child.stdout.strip().splitlines()[-1])
        finally:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")

    report["met"] = all(r["total_s"] < TARGET_SECONDS for r in report["databases"].values())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "imports.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"GIFT import of {report['file_bytes']:,} bytes:")
    for name, r in report["databases"].items():
        print(
            f"  {name:10} {r['questions']:,} questions: preview {r['preview_s']:.2f} s, "
            f"confirm {r['confirm_s']:.2f} s (total {r['total_s']:.2f} s); "
            f"the same file again {r['reload_unchanged_s']:.2f} s"
        )
    print(f"Target: preview + confirm under {TARGET_SECONDS:.0f} s: {'met' if report['met'] else 'NOT met'}.")
    return 0 if report["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
