"""Production: everything from the environment; refuses to start without its secrets."""

import dj_database_url

from .base import *  # noqa: F403
from .env import env, env_bool, env_int, env_list, env_required

DEBUG = False
SECRET_KEY = env_required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ALLOWED_HOSTS must list the portal's domains.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
WAGTAILADMIN_BASE_URL = env_required("PORTAL_BASE_URL")

DATABASES = {
    "default": dj_database_url.parse(
        env_required("DATABASE_URL"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}

REDIS_URL = env_required("REDIS_URL")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": REDIS_URL}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work goes through the database queue; run `manage.py db_worker` beside gunicorn.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task RUNNING for longer was left by a dead worker: the worker queues it again once, then
# marks it failed. Keep it above the longest task (a large monthly report).
PORTAL_TASK_STALE_SECONDS = env_int("PORTAL_TASK_STALE_SECONDS", 15 * 60)

# Media (CMS images, logos) on S3; client files are private and handled by the documents app.
AWS_STORAGE_BUCKET_NAME = env_required("AWS_STORAGE_BUCKET_NAME")
AWS_ACCESS_KEY_ID = env_required("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = env_required("AWS_SECRET_ACCESS_KEY")
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL")
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
AWS_QUERYSTRING_EXPIRE = env_int("AWS_QUERYSTRING_EXPIRE", 300)
STORAGES = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Client files: private objects, reached only through short-lived presigned URLs that
    # the documents app hands out after the access check.
    "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env("PORTAL_PRIVATE_BUCKET", AWS_STORAGE_BUCKET_NAME),
        "location": env("PORTAL_PRIVATE_PREFIX", "private"),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": PORTAL_PRESIGNED_SECONDS,
        "file_overwrite": False,
        # Never an unsigned URL through a CDN domain set for the public media.
        "custom_domain": None,
    }},
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_required("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

PORTAL_PROXY_COUNT = env_int("PROXY_COUNT", 1)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
