"""Shared fixtures: a small portal and the personas every access test uses.

The world is built once per test module, not once per test: see "World layers" below.

Personas: firm admin, staff member (team of A), contact of workspace A, a second contact of A
who lacks the object grant ("unpermitted"), contact of B ("outsider" to A), a contact of A
whose portal access is off ("revoked"), one removed from A, and anonymous.
"""

import copy
import os
from dataclasses import dataclass
from pathlib import Path

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




# World layers ------------------------------------------------------------------------------
#
# Building the world (page tree, users, grants) costs far more than most tests, so each test
# module builds it once: the world, and on top of it the files (`docs`) and the invoices
# (`bills`), are "layers", each built inside a transaction of its own that stays open while
# the module's tests run. Every test then runs in its usual savepoint (pytest-django's
# TestCase-style atomic), nested inside the layers, so its writes roll back and the next test
# sees the pristine world again. The objects handed to a test are a deep copy of the built
# ones, so changes a test makes to them in memory do not leak either.
#
# The layers must be open before the test's own atomic starts, and pytest-django starts that
# from its autouse `django_db` marker fixture, ahead of any fixture a test module asks for. So
# the layers are brought to what the test needs from an override of `_django_db_helper`, the
# one fixture through which `db`, `transactional_db` and the marker all begin a test.
# Transactional tests (transactional_db, live_server, `django_db(transaction=True)`) need a
# database with no open transaction: every layer is rolled back first, and `world` builds a
# world of the test's own, committed, as before. Tests within a module are grouped by the
# layers they need (pytest_collection_modifyitems below), so a module that mixes `world` and
# `docs` tests builds each layer once.
#
# Files: the blobs a layer stores (file versions, the report PDF) are written to the media
# folders, which no rollback restores; a test that deletes or overwrites one (trash purge,
# orphan sweep) gets them written back after it.

LAYERS = ("world", "docs", "bills")
BUILDERS = {"world": lambda _w: build_world(), "docs": lambda w: build_documents(w),
            "bills": lambda w: build_billing(w)}


def _is_transactional(item_or_request):
    node = getattr(item_or_request, "node", item_or_request)
    names = getattr(item_or_request, "fixturenames", ())
    marker = node.get_closest_marker("django_db")
    if marker is not None:
        from pytest_django.fixtures import validate_django_db

        transaction, reset_sequences, *_rest = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(names))


def _layers_wanted(item_or_request):
    """The layers a test needs, innermost last: () when it uses no world (or is
    transactional, and builds its own)."""
    names = set(getattr(item_or_request, "fixturenames", ()))
    if _is_transactional(item_or_request) or not names & set(LAYERS):
        return ()
    return tuple(name for name in LAYERS if name == "world" or name in names)


def _media_files():
    from django.conf import settings

    found = {}
    for root in {settings.MEDIA_ROOT, getattr(settings, "PRIVATE_MEDIA_ROOT", None)} - {None}:
        for path in Path(root).rglob("*"):
            if path.is_file():
                found[str(path)] = path.stat().st_mtime_ns
    return found


@dataclass
class _Layer:
    name: str
    atomic: object
    world: World
    files: dict  # absolute path -> bytes, the blobs this layer stored


class _OpenLayers:
    """The layers open on the default connection, innermost last."""

    def __init__(self):
        self.stack = []

    def names(self):
        return tuple(layer.name for layer in self.stack)

    def ensure(self, wanted):
        while self.names() != wanted[:len(self.stack)]:
            self.pop()
        for name in wanted[len(self.stack):]:
            self.push(name)

    def push(self, name):
        from django.db import transaction

        before = _media_files()
        atomic = transaction.atomic()
        atomic._from_testcase = True  # as TestCase's own atomics: durable blocks may nest
        atomic.__enter__()
        try:
            below = copy.deepcopy(self.stack[-1].world) if self.stack else None
            world = BUILDERS[name](below)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
        after = _media_files()
        files = {path: Path(path).read_bytes() for path, stamp in after.items()
                 if before.get(path) != stamp}
        self.stack.append(_Layer(name, atomic, world, files))

    def pop(self):
        from django.db import transaction

        layer = self.stack.pop()
        transaction.set_rollback(True)
        layer.atomic.__exit__(None, None, None)

    def world(self):
        return copy.deepcopy(self.stack[-1].world)

    def restore_files(self):
        for layer in self.stack:
            for path, data in layer.files.items():
                target = Path(path)
                if not target.is_file() or target.read_bytes() != data:
                    os.makedirs(target.parent, exist_ok=True)
                    target.write_bytes(data)


_open_layers = _OpenLayers()


@pytest.fixture(scope="module")
def _world_module(django_db_setup, django_db_blocker):
    """Rolls back whatever layers the module's tests left open, at the end of the module."""
    yield _open_layers
    with django_db_blocker.unblock():
        _open_layers.ensure(())


@pytest.fixture
def _world_layers(request, _world_module, django_db_blocker):
    from django.core.cache import cache

    wanted = _layers_wanted(request)
    with django_db_blocker.unblock():
        if _open_layers.names() != wanted:
            _open_layers.ensure(wanted)
            cache.clear()  # a test starts with an empty cache, whichever layers it found
    yield _open_layers
    _open_layers.restore_files()


@pytest.fixture
def _django_db_helper(_world_layers, _django_db_helper):
    """pytest-django's helper (the test's own atomic, or a flush for transactional tests),
    started only once the world layers the test needs are open."""
    return _django_db_helper


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Within each module, run the tests that need the same layers one after another
    (pytest-django has already put the plain database tests ahead of transactional ones)."""
    order = {(): 0, ("world",): 1, ("world", "docs"): 2, ("world", "docs", "bills"): 3,
             ("world", "bills"): 4}
    start = 0
    for index in range(1, len(items) + 1):
        if index == len(items) or items[index].module is not items[start].module:
            run = items[start:index]
            run.sort(key=lambda item: order[_layers_wanted(item)])
            items[start:index] = run
            start = index


def _fresh_world(request):
    layers = _layers_wanted(request)
    if not layers:  # a transactional test: a world of its own, committed
        request.getfixturevalue("transactional_db")
        world = build_world()
        for name in ("docs", "bills"):
            if name in request.fixturenames:
                BUILDERS[name](world)
        return world
    return request.getfixturevalue("_world_layers").world()


@pytest.fixture
def world(request, db):
    """The shared world (see the module docstring): a fresh copy for each test."""
    return _fresh_world(request)


@pytest.fixture
def docs(world):
    """The world with files (`build_documents`); the same object as `world`."""
    return world


@pytest.fixture
def bills(world):
    """The world with invoices and reports (`build_billing`); the same object as `world`."""
    return world


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
