"""Demo data: a branded firm, three client workspaces, staff and contacts. Safe to run twice."""

import io

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from workspaces import registry
from workspaces.emails import magic_link_url
from workspaces.models import (
    FirmSettings,
    Membership,
    WorkspaceMenuLink,
    WorkspacePage,
    WorkspaceTeamMember,
)

User = get_user_model()

STAFF = [
    # email, first, last, superuser
    ("admin@northwind.example", "Nora", "Quinn", True),
    ("maria@northwind.example", "Maria", "Okafor", False),
    ("tom@northwind.example", "Tom", "Lindqvist", False),
]
STAFF_PASSWORD = "northwind-demo-2026"  # noqa: S105 - demo only, printed on purpose

CONTACTS = [
    # email, first, last, portal access
    ("alice@harborbakery.example", "Alice", "Moreau", True),
    ("ben@harborbakery.example", "Ben", "Moreau", True),
    ("dana@lumenstudio.example", "Dana", "Reyes", True),
    ("eve@keystone.example", "Eve", "Park", False),
    ("felix@keystone.example", "Felix", "Grant", True),
]
CONTACT_PASSWORD = "harbor-bakery-2026"  # noqa: S105 - demo only

WORKSPACES = [
    {
        "slug": "harbor-bakery",
        "title": "Harbor Bakery",
        "welcome": "<p>Welcome to your <b>2026 tax season</b> workspace. We post your checklist, "
                   "drafts and status updates here.</p>",
        "tags": ["accounting", "tax-season"],
        "team": [("maria@northwind.example", "Account manager")],
        "members": [("alice@harborbakery.example", "Owner"), ("ben@harborbakery.example", "CFO")],
    },
    {
        "slug": "lumen-studio",
        "title": "Lumen Studio",
        "welcome": "<p>Your <b>spring campaign</b>: brief, scope and weekly updates.</p>",
        "tags": ["agency", "campaign"],
        "team": [("maria@northwind.example", "Creative lead"),
                 ("tom@northwind.example", "Producer")],
        "members": [("dana@lumenstudio.example", "Marketing director")],
    },
    {
        "slug": "keystone-logistics",
        "title": "Keystone Logistics",
        "welcome": "<p>Managed IT: monthly reports, maintenance windows and open items.</p>",
        "tags": ["managed-it"],
        "team": [("tom@northwind.example", "Service manager")],
        "members": [("dana@lumenstudio.example", "Consultant"),
                    ("eve@keystone.example", "Office manager"),
                    ("felix@keystone.example", "Operations director")],
    },
]


def make_logo():
    image = PILImage.new("RGB", (240, 80), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 8, 68, 72), radius=14, fill="#0f4c5c")
    draw.polygon([(20, 58), (36, 22), (52, 58)], fill="#f4a259")
    draw.text((82, 26), "NORTHWIND", fill="#0f4c5c")
    draw.text((82, 44), "advisory", fill="#5b8e7d")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    buffer.seek(0)
    return buffer


class Command(BaseCommand):
    help = "Load a demo firm with three client workspaces, staff and contacts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000",
                            help="Where the portal runs; used for the printed magic links.")

    def handle(self, *args, base_url, **options):
        # Demo requests and decisions would email the demo people: nobody is told.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            users = self.load(base_url)
        self.report(base_url, users)

    @transaction.atomic
    def load(self, base_url):
        site, home = self.site_and_home(base_url)
        firm = self.firm_settings(site)
        users = {email: self.staff(email, first, last, su) for email, first, last, su in STAFF}
        for email, first, last, has_access in CONTACTS:
            users[email] = self.contact(email, first, last, has_access)
        # Each app adds its own part (registry.register_demo): pages, files, invoices...
        parts = registry.demo_parts()
        for part in parts:
            part.load_site(home, firm, users)
        for spec in WORKSPACES:
            workspace = self.workspace(home, spec, users)
            staff = users[spec["team"][0][0]]
            for part in parts:
                part.load_workspace(workspace, users, staff)
        return users

    def site_and_home(self, base_url):
        host, _sep, port = base_url.split("://", 1)[1].partition(":")
        root = Page.get_first_root_node()
        # The Site's home is the page type that workspaces live under, whichever app has it.
        home_model = WorkspacePage.allowed_parent_page_models()[0]
        home = home_model.objects.first()
        if home is None:
            home = root.add_child(instance=home_model(title="Northwind Advisory",
                                                      slug="northwind"))
            home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        site.hostname, site.port = host, int(port or 80)
        site.root_page, site.site_name = home, "Northwind Advisory"
        site.save()
        # Wagtail's placeholder welcome page is replaced by the portal home.
        for page in root.get_children().exclude(pk=home.pk).type(Page).exact_type(Page):
            page.delete()
        return site, home

    def firm_settings(self, site):
        firm = FirmSettings.for_site(site)
        firm.platform_name = "Northwind Client Hub"
        firm.primary_color, firm.accent_color = "#0f4c5c", "#e36414"
        firm.footer_text = "Northwind Advisory LLP · 12 Harbour Street · help@northwind.example"
        firm.email_sender_name = "Northwind Advisory"
        firm.email_sender_address = "portal@northwind.example"
        image_model = get_image_model()
        logo = image_model.objects.filter(title="Northwind logo").first()
        if logo is None:
            logo = image_model(title="Northwind logo",
                               file=ImageFile(make_logo(), name="northwind-logo.png"))
            logo.save()
        firm.logo = firm.favicon = logo
        firm.save()
        return firm

    def staff(self, email, first, last, superuser):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, STAFF_PASSWORD, first_name=first,
                                            last_name=last, is_staff=True,
                                            is_superuser=superuser)
        return user

    def contact(self, email, first, last, has_access):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, CONTACT_PASSWORD, first_name=first,
                                            last_name=last)
        user.portal_access = has_access
        user.save(update_fields=["portal_access"])
        return user

    def workspace(self, home, spec, users):
        workspace = WorkspacePage.objects.child_of(home).filter(slug=spec["slug"]).first()
        if workspace is None:
            workspace = home.add_child(instance=WorkspacePage(
                title=spec["title"], slug=spec["slug"], welcome=spec["welcome"]))
        workspace.tags.set(spec["tags"])
        workspace.team_members.all().delete()
        for order, (email, role) in enumerate(spec["team"]):
            workspace.team_members.add(WorkspaceTeamMember(user=users[email], role=role,
                                                           sort_order=order))
        if not workspace.menu_links.exists():
            workspace.menu_links.add(WorkspaceMenuLink(
                label="Book a call", link_url="https://example.com/book", sort_order=0))
        workspace.enabled_tools = sorted(registry.tools)
        workspace.save_revision().publish()
        workspace.refresh_from_db()
        for email, title in spec["members"]:
            Membership.objects.update_or_create(
                workspace=workspace, user=users[email],
                defaults={"title": title, "is_active": True})
        return workspace

    def report(self, base_url, users):
        out = self.stdout.write
        out(self.style.SUCCESS("\nDemo data is ready.\n"))
        out(f"Admin (firm staff): {base_url}/admin/")
        for email, *_rest in STAFF:
            out(f"  {email}  password: {STAFF_PASSWORD}")
        out(f"\nClient portal: {base_url}/login/")
        out(f"  Contacts may also use the password {CONTACT_PASSWORD}.")
        out("  One-click magic links (each works once):")
        for email, *_rest in CONTACTS:
            user = users[email]
            if user.portal_access:
                out(f"  {email}\n    {magic_link_url(user, base_url)}")
            else:
                out(f"  {email}  (portal access switched off: cannot log in)")
