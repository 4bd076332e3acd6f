"""Zero-set-up demo and development: SQLite, console email, local memory cache."""

from .base import *  # noqa: F403
from .env import env

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-not-for-production")  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", ".localhost"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env("SQLITE_PATH", str(BASE_DIR / "var" / "demo.sqlite3")),
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
