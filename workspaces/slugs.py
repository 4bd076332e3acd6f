"""Slugs that the portal's own addresses own.

Pages are served by Wagtail after every other route of the root URLconf, so a page whose URL
another route matches first can never be opened:

- a page directly under a Site's home (a workspace, a public notice) is served at /<slug>/, so
  its slug must not be the first segment of another route (login, account, admin, documents,
  _util, static, media, ...), read from the URLconf itself;
- every tool is mounted at /<anything>/<prefix>/ (`registry.tool_urlpatterns`), so a page one
  level further down (inside a workspace) must not take a tool's prefix as its slug.

The admin's page forms refuse such slugs (`forms_admin.PortalPageForm`) and `manage.py check`
reports the pages that have one already (portal.E001, portal.E002).
"""

import re

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.translation import gettext as _

from . import registry

LITERAL_SEGMENT = re.compile(r"^[\w.~-]+$")


def _first_segments(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern).removeprefix("^")
        segment = route.split("/", 1)[0]
        if segment:
            # A literal first segment ("admin", "login") is reserved; a converter or a regular
            # expression there ("<slug:workspace>", Wagtail's page pattern) claims nothing.
            if LITERAL_SEGMENT.match(segment):
                yield segment
        elif isinstance(entry, URLResolver):
            yield from _first_segments(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            continue


def _url_segment(url):
    if not url or "://" in url or url.startswith("//"):
        return None
    return url.strip("/").split("/", 1)[0] or None


def reserved_top_level():
    """First path segments that a route of the root URLconf (or the static and media URLs)
    owns: no page directly under a Site's home may use one as its slug."""
    reserved = set(_first_segments(get_resolver().url_patterns))
    reserved |= {segment for segment in (_url_segment(settings.STATIC_URL),
                                         _url_segment(settings.MEDIA_URL)) if segment}
    return reserved


def _levels_below_home(parent):
    """How many levels below a Site's home a child of `parent` is (1: directly under it), or
    None when `parent` is in no Site."""
    from wagtail.models import Site

    url_path = parent.url_path or ""
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return url_path[len(root.root_path):].count("/") + 1
    return None


def slug_clash(slug, parent):
    """Why `slug` cannot be used for a page under `parent` (a message), or None."""
    if not slug or parent is None:
        return None
    level = _levels_below_home(parent)
    if level == 1 and slug in reserved_top_level():
        return _("“%(slug)s” cannot be used: /%(slug)s/ is one of the portal's own addresses, "
                 "so the page could never be opened. Choose another slug.") % {"slug": slug}
    tool = registry.tool_prefixes().get(slug)
    if level == 2 and tool is not None:
        return _("“%(slug)s” cannot be used: /%(parent)s/%(slug)s/ is where the %(tool)s tool "
                 "of every workspace lives, so the page could never be opened. Choose "
                 "another slug.") % {"slug": slug, "parent": parent.slug, "tool": tool.label}
    return None


@checks.register("portal")
def check_reserved_slugs(app_configs=None, **kwargs):
    """portal.E001 / E002: existing pages whose address a route hides."""
    from wagtail.models import Page, Site

    if app_configs is not None and not any(c.name == "workspaces" for c in app_configs):
        return []
    try:
        if Site._meta.db_table not in connection.introspection.table_names():
            return []  # not migrated yet (manage.py migrate runs the checks first)
        sites = list(Site.objects.select_related("root_page"))
        errors = []
        reserved = reserved_top_level()
        prefixes = registry.tool_prefixes()
        for site in sites:
            home = site.root_page
            for page in Page.objects.descendant_of(home).filter(
                    depth=home.depth + 1, slug__in=reserved).order_by("path"):
                errors.append(checks.Error(
                    f"The page “{page.title}” (id {page.pk}) of the site {site} has the slug "
                    f"“{page.slug}”, but /{page.slug}/ is a route of the portal: the page "
                    f"cannot be opened.",
                    hint="Give the page another slug in the admin (Promote or URL tab).",
                    obj=page, id="portal.E001"))
            for page in Page.objects.descendant_of(home).filter(
                    depth=home.depth + 2, slug__in=list(prefixes)).order_by("path"):
                parent = page.get_parent()
                errors.append(checks.Error(
                    f"The page “{page.title}” (id {page.pk}) under “{parent.title}” has the "
                    f"slug “{page.slug}”, but /{parent.slug}/{page.slug}/ is the "
                    f"{prefixes[page.slug].label} tool's address: the page cannot be opened.",
                    hint="Give the page another slug in the admin (Promote or URL tab).",
                    obj=page, id="portal.E002"))
        return errors
    except DatabaseError:
        return []


@checks.register("portal")
def check_page_forms(app_configs=None, **kwargs):
    """portal.E003: a page type whose admin form would not refuse a hidden slug."""
    from wagtail.models import Page, get_page_models

    from .forms_admin import PortalPageForm

    return [
        checks.Error(
            f"{model._meta.label}.base_form_class does not extend PortalPageForm: its admin "
            f"form would accept a slug that a route of the portal hides.",
            hint="Set base_form_class = workspaces.forms_admin.PortalPageForm (or a subclass).",
            obj=model, id="portal.E003")
        for model in get_page_models()
        if model is not Page and not issubclass(
            getattr(model, "base_form_class", object), PortalPageForm)
    ]
