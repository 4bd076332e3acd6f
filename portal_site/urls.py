from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from workspaces import registry
from workspaces.views import auth as portal_auth

urlpatterns = [
    # Before the admin's own: its password reset is for staff only, rate limited, and sends
    # from the worker (see workspaces/views/auth.py).
    path("admin/password_reset/", portal_auth.StaffPasswordResetView.as_view(),
         name="wagtailadmin_password_reset"),
    path("admin/password_reset/confirm/<uidb64>/<token>/",
         portal_auth.StaffPasswordResetConfirmView.as_view(),
         name="wagtailadmin_password_reset_confirm"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("workspaces.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Each registered tool's routes under /<workspace>/<prefix>/ (Tool.prefix and Tool.urlconf),
# ahead of Wagtail's page tree; no page inside a workspace may take a tool's prefix as its
# slug (workspaces.slugs), so none is hidden by them.
urlpatterns += registry.tool_urlpatterns()
urlpatterns += [
    # Wagtail's own front-end login would skip the portal's rules (portal access, lockout
    # messages, login methods): send it to the portal's login instead.
    path("_util/login/", RedirectView.as_view(pattern_name="portal:login", query_string=True),
         name="wagtail_login_redirect"),
    path("", include(wagtail_urls)),
]
