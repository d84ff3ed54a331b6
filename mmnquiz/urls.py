from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("quizzes.urls_accounts")),
    path("admin/", admin.site.urls),
    path("", include("quizzes.urls")),
]

# Baseline endpoints for `make bench` (mmnquiz.bench); absent unless MMNQUIZ_BENCH is on.
if settings.BENCH_ENDPOINTS:
    urlpatterns += [path("bench/", include("mmnquiz.bench"))]
