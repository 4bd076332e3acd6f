"""Benchmark settings: the test settings on a separate database, tuned like production where
it matters for speed (persistent connections, cached sessions, no static autorefresh)."""

import warnings

import dj_database_url

from portal_site.settings.env import env
from portal_site.settings.test import *  # noqa: F403

DEFAULT_BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"

DEBUG = False
DATABASES = {
    "default": dj_database_url.parse(
        env("BENCH_DATABASE_URL", DEFAULT_BENCH_DATABASE_URL),
        conn_max_age=60, conn_health_checks=True,
    )
}
# As in production (there on Redis; here each gunicorn worker has its own locmem cache).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
WHITENOISE_AUTOREFRESH = False
# Loading thousands of pages need not fill the search index.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# No collectstatic here, and no static file is requested.
warnings.filterwarnings("ignore", message="No directory at")

# Client files in a fixed directory, shared by the benchmark script, gunicorn and nginx.
PRIVATE_MEDIA_ROOT = env("BENCH_PRIVATE_ROOT", "/tmp/portal-bench-private")
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/-private-/"}},
}
PORTAL_X_ACCEL_REDIRECT = env("PORTAL_X_ACCEL_REDIRECT", "")
PORTAL_UPLOAD_MAX_BYTES = 2 * 1024**3
