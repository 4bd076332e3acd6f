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


def exceeded(scope, value, limit):
    """Whether `hit` has already counted more than `limit` attempts, without counting one."""
    return (cache.get(_key(scope, value)) or 0) >= limit


def client_ip(request):
    """The client's address. Behind PORTAL_PROXY_COUNT trusted proxies (nginx, a load
    balancer) it is the entry that many places from the right of X-Forwarded-For: the left
    part of that header is whatever the client chose to send."""
    proxies = getattr(settings, "PORTAL_PROXY_COUNT", 0)
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if hop.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
