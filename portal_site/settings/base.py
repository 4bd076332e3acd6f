"""Settings shared by every environment. See dev.py, test.py and production.py."""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .env import env, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "workspaces",
    "portal_pages",
    "documents",
    "billing",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that may answer by itself (the portal's preview refusal,
    # logouts and redirects), so that those answers carry the same headers as the views.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "workspaces.middleware.PortalMiddleware",
    "workspaces.admin_guard.AdminPageGuard",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes must come last so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal_site.urls"
WSGI_APPLICATION = "portal_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workspaces.context_processors.portal",
            ],
        },
    },
]

AUTH_USER_MODEL = "workspaces.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    "sesame.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:switcher"

# Guardian: no anonymous user row; anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

# Magic links (django-sesame). The lifetime is a per-Site firm setting passed as max_age;
# this is only the ceiling used when none is given.
SESAME_MAX_AGE = int(timedelta(days=90).total_seconds())
SESAME_ONE_TIME = True
SESAME_INVALIDATE_ON_PASSWORD_CHANGE = True
SESAME_INVALIDATE_ON_EMAIL_CHANGE = True
SESAME_TOKEN_NAME = "token"

# Admin login: staff only (contacts sign in on the portal's login page, under its rules).
WAGTAILADMIN_USER_LOGIN_FORM = "workspaces.forms.StaffLoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "workspaces.forms.StaffPasswordResetForm"

# Password lockout (django-axes), see workspaces/lockout.py: AXES_FAILURE_LIMIT failures for
# one account, from any address, lock its password login for an hour (a magic link still
# gets in and clears it); PORTAL_PAIR_FAILURE_LIMIT failures for one account from one
# address lock that pair for the hour whatever happens. No address is locked as a whole.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
PORTAL_PAIR_FAILURE_LIMIT = env_int("PORTAL_PAIR_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "workspaces.lockout.username_for_lockout"
AXES_HANDLER = "workspaces.lockout.PortalLockoutHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
# axes.W006 asks for "ip_address" in the lockout parameters, against attackers who rotate user
# agents or cookies. Neither matters here: the account count ignores both, and the address is
# in the pair count. An address alone is deliberately not locked (it locks out an office).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "workspaces.views.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "workspaces.ratelimit.client_ip"
# How many trusted proxies (nginx, load balancer) stand in front of the app server.
PORTAL_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Magic-link requests per address and per client IP within the window.
PORTAL_MAGIC_LINK_RATE = (5, 15 * 60)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# CMS images and logos are public by nature; client files never live here (see DESIGN.md).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Client files: a private directory outside any public URL, served only by the documents
# app's permission-checked views (production: a private S3 bucket, see production.py).
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/-private-/"}},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

WAGTAIL_SITE_NAME = "Client portal"
WAGTAILADMIN_BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# CMS library documents live in the private storage (see portal_pages.LibraryDocument) and are
# reached only through /documents/<id>/<name>, whose hook checks access before serving: never
# "direct" or "redirect" to a storage URL.
WAGTAILDOCS_DOCUMENT_MODEL = "portal_pages.LibraryDocument"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False

# Files (documents app). Limits and the allow-list are settings so a firm can tune them.
PORTAL_UPLOAD_MAX_BYTES = env_int("PORTAL_UPLOAD_MAX_BYTES", 1024**3)
# A request body longer than this is refused before any of its files is stored (one file per
# request from the portal's uploader; a little room for the form fields).
PORTAL_UPLOAD_MAX_REQUEST_BYTES = env_int("PORTAL_UPLOAD_MAX_REQUEST_BYTES",
                                          PORTAL_UPLOAD_MAX_BYTES + 16 * 1024**2)
# Types accepted, as decided from the content (libmagic), never from the name. HTML, SVG, XML,
# scripts and programs are not in it and must not be added: they could run in a browser.
PORTAL_UPLOAD_ALLOWED_TYPES = env_list("PORTAL_UPLOAD_ALLOWED_TYPES", ",".join([
    "application/pdf",
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/heif",
    "image/tiff",
    "audio/mpeg", "audio/x-wav", "audio/wav", "audio/ogg", "audio/flac", "audio/x-m4a",
    "audio/mp4", "video/mp4", "video/quicktime", "video/webm", "video/ogg",
    "text/plain", "text/csv", "text/rtf", "application/rtf",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
]))
PORTAL_X_ACCEL_REDIRECT = env("PORTAL_X_ACCEL_REDIRECT", "")  # e.g. "/_private/" behind nginx
# Lifetime of the presigned S3 URLs handed out after the access check (production).
PORTAL_PRESIGNED_SECONDS = env_int("PORTAL_PRESIGNED_SECONDS", 60)
PORTAL_TRASH_DAYS = env_int("PORTAL_TRASH_DAYS", 30)

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Client portal <portal@localhost>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
