"""Password lockout (django-axes): per account, plus a higher limit per account and address.

Two counts, both within the cool-off time (AXES_COOLOFF_TIME):

- per account, from any address: axes' own attempt rows with `AXES_LOCKOUT_PARAMETERS =
  ["username"]`, limit AXES_FAILURE_LIMIT. A successful sign-in of the account clears it
  (AXES_RESET_ON_SUCCESS); a magic link is such a sign-in, and it gets through the lock
  because it never goes through `authenticate()` with a password.
- per account and address: axes' failure log (one row per failure), limit
  PORTAL_PAIR_FAILURE_LIMIT. Nothing clears it but time, so an attacker who keeps guessing
  from one address after the owner unlocked the account with a link is still stopped.

No count is kept per address alone: one person's typing never locks out the rest of an
office behind the same address.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessFailureLog
from django.conf import settings


def username_for_lockout(request, credentials=None):
    """The account a login attempt is for, whichever form sent it: the portal's (`email`) or
    the admin's (`username`), folded to lower case like the login itself."""
    credentials = credentials or {}
    # authenticate() is called with `username`; axes' own calls name it after USERNAME_FIELD.
    value = credentials.get("username") or credentials.get("email")
    if not value and request is not None:
        data = getattr(request, "POST", {})
        value = data.get("email") or data.get("username")
    return (value or "").strip().lower() or None


class PortalLockoutHandler(AxesDatabaseHandler):
    def pair_failures(self, request, credentials=None):
        username = get_client_username(request, credentials)
        if not username:
            return 0
        return AccessFailureLog.objects.filter(
            username=username, ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).count()

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        if self.pair_failures(request, credentials) >= settings.PORTAL_PAIR_FAILURE_LIMIT:
            # Reported as at the limit, so that axes' one comparison applies both limits.
            failures = max(failures, get_failure_limit(request, credentials))
        return failures

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        # Axes writes the failure log after deciding on the lockout: decide again for the
        # failure that reaches the pair limit, so that it is the one that locks.
        if request is not None and not getattr(request, "axes_locked_out", False) \
                and self.pair_failures(request, credentials) >= \
                settings.PORTAL_PAIR_FAILURE_LIMIT:
            request.axes_locked_out = True
            request.axes_credentials = credentials
