"""Shared fixtures: a small portal and the personas every access test uses.

Personas: firm admin, staff member (team of A), contact of workspace A, a second contact of A
who lacks the object grant ("unpermitted"), contact of B ("outsider" to A), a contact of A
whose portal access is off ("revoked"), one removed from A, and anonymous.
"""

from dataclasses import dataclass

import pytest
from wagtail.models import Page, Site

from workspaces.models import FirmSettings, WorkspaceTeamMember

from .factories import (
    ContactFactory,
    ContentPageFactory,
    MembershipFactory,
    PortalHomePageFactory,
    StaffFactory,
    WorkspacePageFactory,
    publish,
)


@dataclass
class World:
    site: Site
    firm: FirmSettings
    home: Page
    ws_a: Page
    ws_b: Page
    page_a: Page
    page_a_private: Page
    page_a_staff: Page
    page_b: Page
    public_page: Page
    admin: object
    staff: object
    contact_a: object
    contact_a2: object
    contact_b: object
    revoked: object
    removed: object


def build_world():
    root = Page.get_first_root_node()
    home = PortalHomePageFactory(parent=root, slug="portal")
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.hostname = "testserver"
    site.port = 80
    site.save()
    firm = FirmSettings.for_site(site)
    firm.platform_name = "Acme Advisers Portal"
    firm.save()

    admin = StaffFactory(email="admin@firm.test", is_superuser=True)
    staff = StaffFactory(email="staff@firm.test")
    ws_a = publish(WorkspacePageFactory(parent=home, title="Workspace A", slug="alpha"))
    ws_b = publish(WorkspacePageFactory(parent=home, title="Workspace B", slug="beta"))
    WorkspaceTeamMember.objects.create(page=ws_a, user=staff, role="Account manager")
    publish(ws_a)

    contact_a = ContactFactory(email="ann@alpha.test", first_name="Ann")
    contact_a2 = ContactFactory(email="arno@alpha.test", first_name="Arno")
    contact_b = ContactFactory(email="bea@beta.test", first_name="Bea")
    revoked = ContactFactory(email="rex@alpha.test", first_name="Rex")
    removed = ContactFactory(email="rita@alpha.test", first_name="Rita")
    for user in (contact_a, contact_a2, revoked, removed):
        MembershipFactory(user=user, workspace=ws_a)
    MembershipFactory(user=contact_b, workspace=ws_b)
    removed_membership = removed.memberships.get()
    removed_membership.is_active = False
    removed_membership.save()
    revoked.portal_access = False
    revoked.save()

    page_a = publish(ContentPageFactory(parent=ws_a, title="Alpha brief", slug="brief"))
    page_a_private = ContentPageFactory(parent=ws_a, title="Alpha payroll", slug="payroll",
                                        visibility="selected")
    page_a_private.visible_to.set([contact_a, revoked, removed])
    publish(page_a_private)
    page_a_staff = publish(ContentPageFactory(parent=ws_a, title="Alpha risk notes",
                                              slug="risk", visibility="staff"))
    page_b = publish(ContentPageFactory(parent=ws_b, title="Beta brief", slug="brief"))
    public_page = publish(ContentPageFactory(parent=home, title="Privacy", slug="privacy"))
    return World(site, firm, home, ws_a, ws_b, page_a, page_a_private, page_a_staff, page_b,
                 public_page, admin, staff, contact_a, contact_a2, contact_b, revoked, removed)


@pytest.fixture
def world(db):
    return build_world()


def build_documents(w):
    """Files in both workspaces, on top of `build_world()`.

    folder_a "Payroll" is for contact_a (and the revoked and removed contacts) only: view,
    upload, manage; contact_a2 is a member without the grant. folder_a_shared is for everyone
    in A (view and upload), folder_a_staff is staff only. file_a (a PDF, two versions) is in
    folder_a; approval_a asks contact_a to approve it.
    """
    from documents import services
    from documents.models import Approval

    from .samples import pdf_upload, png_upload

    for ws in (w.ws_a, w.ws_b):
        ws.enabled_tools = ["files", "approvals"]
        publish(ws)
    chosen = {"everyone": False, "users": {w.contact_a.pk, w.revoked.pk, w.removed.pk}}
    w.folder_a = services.create_folder(
        w.ws_a, "Payroll", user=w.staff,
        grants={"view": chosen, "upload": dict(chosen), "manage": dict(chosen)})
    w.folder_a_sub = services.create_folder(w.ws_a, "2026", parent=w.folder_a, user=w.staff)
    w.folder_a_shared = services.create_folder(
        w.ws_a, "Shared", user=w.staff,
        grants={"view": {"everyone": True}, "upload": {"everyone": True}})
    w.folder_a_staff = services.create_folder(w.ws_a, "Internal", user=w.staff,
                                              staff_only=True)
    w.folder_b = services.create_folder(w.ws_b, "Beta files", user=w.staff,
                                        grants={"view": {"everyone": True}})
    w.file_a = services.add_file(w.folder_a, pdf_upload("salaries.pdf"), user=w.staff)
    services.add_version(w.file_a, pdf_upload("salaries.pdf", pages=2), user=w.staff)
    w.file_a.refresh_from_db()
    w.version_a1 = w.file_a.versions.get(number=1)
    w.image_a = services.add_file(w.folder_a, png_upload("chart.png"), user=w.staff)
    w.file_a_shared = services.add_file(w.folder_a_shared, pdf_upload("handbook.pdf"),
                                        user=w.staff)
    w.file_b = services.add_file(w.folder_b, pdf_upload("beta.pdf"), user=w.staff)
    w.approval_a = Approval.objects.create(
        workspace=w.ws_a, file=w.file_a, version=w.file_a.current_version,
        message="Please approve the payroll summary.", requested_by=w.staff)
    w.approval_a.reviewers.set([w.contact_a, w.revoked, w.removed])
    return w


@pytest.fixture
def docs(world):
    return build_documents(world)


def build_billing(w):
    """Invoices and reports in both workspaces, on top of `build_world()`.

    In A, invoices and reports are for contact_a (and the revoked and removed contacts) only:
    contact_a2 is a member who is not a billing contact. invoice_a is issued (two lines),
    draft_a is a draft (no contact ever sees drafts), report_a is a ready report of A;
    invoice_b belongs to B, whose invoices everyone in B sees.
    """
    from datetime import date, timedelta
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from billing import audience
    from billing.models import Invoice, InvoiceLine, Report, WorkspaceBilling

    from .samples import pdf_bytes

    for ws in (w.ws_a, w.ws_b):
        ws.enabled_tools = sorted(set(ws.enabled_tools or []) | {"billing", "reports"})
        publish(ws)
    chosen = [w.contact_a, w.revoked, w.removed]
    profile_a = WorkspaceBilling.objects.create(
        workspace=w.ws_a, audience="selected", report_audience="selected",
        bill_to="Alpha Holdings Ltd\n1 Market Street")
    profile_a.contacts.set(chosen)
    profile_a.report_contacts.set(chosen)
    WorkspaceBilling.objects.create(workspace=w.ws_b)

    def invoice(ws, number, lines, state=Invoice.State.ISSUED):
        inv = Invoice.objects.create(
            workspace=ws, currency="EUR", state=state, number=number if state != "draft" else "",
            issue_date=date.today() if state != "draft" else None,
            due_date=date.today() + timedelta(days=30), created_by=w.staff)
        for order, (description, qty, price, rate) in enumerate(lines):
            InvoiceLine.objects.create(invoice=inv, sort_order=order, description=description,
                                       quantity=Decimal(qty), unit_price=Decimal(price),
                                       tax_rate=Decimal(rate))
        from billing import money

        totals = money.compute(inv.lines.all(), inv.currency)
        inv.subtotal, inv.tax_total, inv.total = totals.subtotal, totals.tax_total, totals.total
        inv.save()
        ws._billing_profile = None
        audience.sync_invoices(ws, [inv])
        return inv

    w.invoice_a = invoice(w.ws_a, "INV-T-0001", [("Bookkeeping, March", "10", "85.00", "20"),
                                                 ("Payroll run", "1", "150.00", "20")])
    w.draft_a = invoice(w.ws_a, "", [("Draft work", "1", "99.00", "20")], state="draft")
    w.invoice_b = invoice(w.ws_b, "INV-T-0002", [("Beta retainer", "1", "1000.00", "0")])
    w.report_a = Report.objects.create(workspace=w.ws_a, month=date.today().replace(day=1),
                                       state=Report.State.READY, pages=1)
    w.report_a.pdf.save("report.pdf", ContentFile(pdf_bytes()), save=True)
    w.ws_a._billing_profile = None
    audience.sync_reports(w.ws_a, [w.report_a])
    return w


@pytest.fixture
def bills(world):
    return build_billing(world)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for(client, django_user_model):
    """A fresh test client logged in as the given user (None: anonymous)."""
    from django.test import Client

    def make(user):
        from .portal_login import force_portal_login

        c = Client()
        if user is not None:
            force_portal_login(c, user)
        return c

    return make


@pytest.fixture(scope="module")
def moto_endpoint():
    """A moto S3 server on a free local port, for the tests that put private storage on S3."""
    import socket

    from moto.server import ThreadedMotoServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
