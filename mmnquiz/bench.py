"""Two baseline endpoints for `make bench`, mounted at /bench/ only when MMNQUIZ_BENCH is on.

They measure what this stack can do at best on the machine: `noop` the whole middleware stack with no
database, `insert` that plus one indexed INSERT. The learner flow is judged against them. The table is
created by the bench runner (tests/bench/run.py), never by a migration, so the app's schema stays clean.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

CREATE_TABLE_SQL = [
    "CREATE TABLE IF NOT EXISTS bench_insert"
    " (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())",
    "CREATE INDEX IF NOT EXISTS bench_insert_at ON bench_insert (at)",
]


@require_GET
def bench_noop(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt  # a load generator posts without a session; there is nothing here to forge
@require_POST
def bench_insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_insert DEFAULT VALUES")
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("noop/", bench_noop, name="bench-noop"),
    path("insert/", bench_insert, name="bench-insert"),
]
