"""The demo command builds a usable portal, says how to log in, and can run twice."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.models import Page

from workspaces.models import Membership, User, WorkspacePage

pytestmark = pytest.mark.django_db


def run():
    out = StringIO()
    call_command("load_demo", base_url="http://testserver", stdout=out)
    return out.getvalue()


def test_demo_is_idempotent_and_prints_the_logins():
    first = run()
    counts = (User.objects.count(), WorkspacePage.objects.count(), Page.objects.count(),
              Membership.objects.count())
    second = run()
    assert counts == (User.objects.count(), WorkspacePage.objects.count(),
                      Page.objects.count(), Membership.objects.count())
    assert counts[1] == 3
    for text in (first, second):
        assert "admin@northwind.example  password: northwind-demo-2026" in text
        assert "http://testserver/login/link/?token=" in text
        assert "eve@keystone.example  (portal access switched off: cannot log in)" in text
    # One contact is in two workspaces.
    assert Membership.objects.filter(user__email="dana@lumenstudio.example").count() == 2


def test_a_printed_magic_link_logs_the_contact_in():
    lines = run().splitlines()
    # The links follow the contacts' addresses; the first is Alice's, of Harbor Bakery.
    at = lines.index("  alice@harborbakery.example")
    link = lines[at + 1].strip()
    client = Client()
    response = client.get(link.replace("http://testserver", ""))
    assert response.status_code == 302
    client.post("/login/link/confirm/")
    dashboard = client.get("/harbor-bakery/", follow=True)
    assert dashboard.status_code == 200
    page = dashboard.content.decode()
    assert "Northwind Client Hub" in page
    assert "Tax season checklist" in page
    assert "Internal: engagement risk notes" not in page


def test_demo_has_files_with_per_folder_access_and_approvals():
    from documents.models import Approval, File, Folder
    from workspaces import access

    run()
    counts = (Folder.objects.count(), File.objects.count(), Approval.objects.count())
    run()
    assert counts == (Folder.objects.count(), File.objects.count(), Approval.objects.count())
    bakery = WorkspacePage.objects.get(slug="harbor-bakery")
    alice = User.objects.get(email="alice@harborbakery.example")
    ben = User.objects.get(email="ben@harborbakery.example")

    def folder_names(user):
        return set(access.visible(user, bakery, Folder.objects.all()).values_list("name",
                                                                                  flat=True))

    assert folder_names(ben) == {"Tax return 2025", "Payroll", "Bookkeeping"}
    assert folder_names(alice) == {"Tax return 2025", "Bookkeeping"}
    pending = Approval.objects.get(workspace=bakery)
    assert pending.status == Approval.Status.PENDING
    assert list(pending.reviewers.all()) == [alice]
    decided = Approval.objects.get(workspace__slug="lumen-studio")
    assert decided.status == Approval.Status.APPROVED
    assert decided.decisions.get().sha256 == decided.version.sha256


def test_demo_has_invoices_payments_and_a_report(django_capture_on_commit_callbacks):
    from billing.models import Invoice, Report

    with django_capture_on_commit_callbacks(execute=True):  # reports are made after commit
        run()
    counts = (Invoice.objects.count(), Report.objects.count())
    run()
    assert counts == (Invoice.objects.count(), Report.objects.count())
    bakery = Invoice.objects.filter(workspace__slug="harbor-bakery")
    assert sorted(i.status for i in bakery) == ["overdue", "paid", "partly_paid"]
    assert all(i.number for i in Invoice.objects.all())
    assert Report.objects.filter(workspace__slug="harbor-bakery", state="ready").exists()


def test_the_demo_command_names_no_page_type_and_no_tool():
    """The spine's command only builds the firm, people and workspaces; the apps add their
    parts through `registry.register_demo`."""
    import ast
    from pathlib import Path

    from workspaces import registry
    from workspaces.management.commands import load_demo

    tree = ast.parse(Path(load_demo.__file__).read_text())
    imported = {node.module.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {alias.name.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.Import) for alias in node.names}
    assert imported <= {"io", "django", "PIL", "wagtail", "workspaces"}
    apps_with_parts = [part.app for part in registry.demo_parts()]
    assert apps_with_parts[:3] == ["portal_pages", "documents", "billing"]
