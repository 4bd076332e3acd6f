"""Typed readers for configuration from the environment.

A value `NAME` may also be given as a file path in `NAME_FILE` (Docker and Kubernetes secrets).
"""

import os

from django.core.exceptions import ImproperlyConfigured


def env(name, default=None):
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        with open(file_path, encoding="utf-8") as fh:
            return fh.read().strip()
    return os.environ.get(name, default)


def env_required(name):
    value = env(name)
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} (or {name}_FILE) is required.")
    return value


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = env(name)
    return default if value in (None, "") else int(value)


def env_list(name, default=""):
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]
