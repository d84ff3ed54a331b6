"""Settings for MMN Quiz, read from the environment.

With nothing set the app runs for one person on SQLite with DEBUG on. Production sets at least
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL, with DEBUG=false.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ImproperlyConfigured(f"{name} must be a whole number (0 or more), not {value!r}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def mailer(url: str) -> dict:
    """The default mailer (Django's MAILERS) from one EMAIL_URL: "console://" (the default: mails are
    printed), "smtp://user:password@host:587" (STARTTLS, the usual submission port), "smtps://user:password
    @host:465" (TLS from the start), or "locmem://" (kept in memory). User and password are URL-quoted."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start console://, smtp://, smtps:// or locmem://, not {url!r}"
        )
    found: dict = {"BACKEND": backends[parts.scheme]}
    if parts.scheme in ("smtp", "smtps"):
        try:
            port = parts.port
        except ValueError:
            port = -1
        if not parts.hostname or port == -1:
            raise ImproperlyConfigured(f"EMAIL_URL needs a host (and a numeric port if any): {url!r}")
        found["OPTIONS"] = {
            "host": parts.hostname,
            "port": port or (465 if parts.scheme == "smtps" else 587),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": parts.scheme == "smtp",
            "use_ssl": parts.scheme == "smtps",
            "timeout": 10,
        }
    return found


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "quizzes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "quizzes.middleware.private_pages",
    "quizzes.middleware.time_zone",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "quizzes.middleware.DesignedErrorPages",  # DEBUG's technical pages, or the app's own when asked
    # Last, as django-axes asks: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mmnquiz.urls"

# E-mail (password resets): printed to the console unless EMAIL_URL names an SMTP server.
MAILERS = {"default": mailer(os.environ.get("EMAIL_URL") or "console://")}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MMN Quiz <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day
WSGI_APPLICATION = "mmnquiz.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Parameters bound by the server, and a statement run 5 times on a connection is prepared: PostgreSQL
    # then plans it once per connection instead of on every run. Planning was half of PostgreSQL's CPU in
    # `make bench` (the answer's locked read: 0.5 ms to plan, 0.1 ms to run). Behind PgBouncer in transaction
    # pooling, give it max_prepared_statements (1.21 and later), or set DATABASE_PREPARED_STATEMENTS=off:
    # Django's default then, parameters bound by the client and nothing prepared.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "quizzes.accounts.passwords.VisibleVariedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The client's address, for log-in and sign-up throttling (quizzes.accounts.throttling). Behind a load
# balancer every request comes from the balancer; TRUSTED_PROXIES is how many proxies in front of the app
# append the address they received the request from to X-Forwarded-For. 0 (the default) ignores that header,
# which a client can forge when no proxy overwrites it.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# Failed log-ins (django-axes): a username is locked from one address after LOGIN_FAILURE_LIMIT failures
# there, never for everyone, and an address after LOGIN_ADDRESS_FAILURE_LIMIT failures across usernames.
# Both end 15 minutes after the failure that locked them; failures while locked do not extend them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the per-request user lookup from the cache (quizzes.accounts.backends).
    "quizzes.accounts.backends.CachedModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "quizzes.accounts.throttling.AxesHandler"
AXES_CLIENT_IP_CALLABLE = "quizzes.accounts.throttling.client_address"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Sign-up attempts per client address per hour (counted in the cache, which REDIS_URL shares between servers).
SIGNUPS_PER_HOUR = env_int("SIGNUPS_PER_HOUR", 20)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "quizzes:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Question images (quizzes.media) go to the default storage: files under MEDIA_ROOT unless MEDIA_STORAGE
# names another backend (e.g. django-storages' "storages.backends.s3.S3Storage"), configured by
# MEDIA_STORAGE_OPTIONS as JSON. The app serves them itself (quizzes:media-file, which checks who asks), so
# MEDIA_URL is never published and the files need no public URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/unpublished-media/"


def media_storage() -> dict:
    backend = os.environ.get("MEDIA_STORAGE") or "django.core.files.storage.FileSystemStorage"
    try:
        options = json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS") or "{}")
    except ValueError as exc:
        raise ImproperlyConfigured(f"MEDIA_STORAGE_OPTIONS must be a JSON object: {exc}") from None
    if not isinstance(options, dict):
        raise ImproperlyConfigured("MEDIA_STORAGE_OPTIONS must be a JSON object")
    return {"BACKEND": backend, "OPTIONS": options}


STORAGES = {
    "default": media_storage(),
    # Compressed files with hashed names in production, so they can be cached forever.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security headers. Scripts only from this site or with the per-request nonce ({% htmx_script %} uses it).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx takes the token from the page (hx-headers), never from the cookie
if not DEBUG:
    # Behind a load balancer that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

# Sessions and the signed-in user (quizzes.accounts.backends) are read from the cache when every process
# sees the same one: Redis, or the one process of DEBUG's runserver (and the tests). Sessions are written
# through to the database, so none is lost when the cache is emptied. Gunicorn's workers without Redis would
# each keep a copy that a log-out or password change in another worker does not reach: the database there.
CACHE_IS_SHARED = bool(os.environ.get("REDIS_URL")) or DEBUG
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if CACHE_IS_SHARED else "db")
USER_CACHE_SECONDS = 300 if CACHE_IS_SHARED else 0

# Live sessions (quizzes.live): one left without a move by its educator for this long ends by itself.
LIVE_IDLE_MINUTES = env_int("LIVE_IDLE_MINUTES", 60) or 60
# Redis pub/sub carries live sessions' events from whichever server publishes them to whichever streams
# them (REDIS_URL's server unless LIVE_REDIS_URL names another). Without either, events stay inside the one
# process that publishes them: enough for tests and for one `manage.py runserver` or one ASGI process.
# A stream served by a WSGI process (dev server, tests) holds a thread: it ends after this many seconds.
LIVE_WSGI_STREAM_SECONDS = env_int("LIVE_WSGI_STREAM_SECONDS", 3600) or 3600
LIVE_REDIS_URL = os.environ.get("LIVE_REDIS_URL") or os.environ.get("REDIS_URL") or ""

# `make bench` turns on two baseline endpoints (a bare response, a single insert): the stack's own limit.
BENCH_ENDPOINTS = env_bool("MMNQUIZ_BENCH", False)

# Under DEBUG: the app's own 400/403/404/500 pages instead of Django's technical ones (quizzes.middleware).
DESIGNED_ERROR_PAGES = env_bool("DESIGNED_ERROR_PAGES", False)

# Logs go to stdout, where the process manager collects them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every successful log-in at INFO; lockouts still show as warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
