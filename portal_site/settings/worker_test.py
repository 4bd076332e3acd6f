"""Settings for the worker test (tests/workspaces/test_worker.py): the test settings, with the
database queue of production, a persistent connection with health checks as in production,
and emails written to files in EMAIL_FILE_PATH. Only the worker test's subprocesses use it."""

import dj_database_url

from .env import env_int, env_required
from .test import *  # noqa: F403

DATABASES = {
    "default": dj_database_url.parse(env_required("DATABASE_URL"), conn_max_age=60,
                                     conn_health_checks=True)
}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env_required("EMAIL_FILE_PATH")
PORTAL_TASK_STALE_SECONDS = env_int("PORTAL_TASK_STALE_SECONDS", 15 * 60)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
