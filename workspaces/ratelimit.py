"""A small fixed-window rate limit on the shared cache (Redis in production)."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(scope, value):
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"portal-rl:{scope}:{digest}"


def hit(scope, value, limit=None, window=None):
    """Count one attempt; return True while within the limit."""
    default_limit, default_window = settings.PORTAL_MAGIC_LINK_RATE
    limit = limit or default_limit
    window = window or default_window
    key = _key(scope, value)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def client_ip(request):
    return request.META.get("REMOTE_ADDR", "")
