"""The staff side of the access policy: one answer to "which workspaces does this staff member
serve?", and one Wagtail permission policy for every record that belongs to a workspace.

Personas: `staff` serves workspace A only, `bob` serves workspace B only, `admin` is a firm
admin, `contact_a` is a client contact of A.
"""

import pytest
from django.http import Http404
from django.urls import reverse
from wagtail.permissions import policy_registry

from billing.models import Invoice, Report
from documents.models import Approval, File, FileVersion, Folder
from workspaces import access, grants
from workspaces.models import WorkspaceTeamMember

from ..conftest import build_billing, build_documents
from ..factories import StaffFactory

RECORDS = {
    Folder: ("folder_a", "folder_b"),
    File: ("file_a", "file_b"),
    FileVersion: ("version_a1", "version_b1"),
    Approval: ("approval_a", None),
    Invoice: ("invoice_a", "invoice_b"),
    Report: ("report_a", None),
}


@pytest.fixture
def w(world):
    build_documents(world)
    build_billing(world)
    world.version_b1 = world.file_b.versions.get(number=1)
    world.bob = StaffFactory(email="bob@firm.test")
    WorkspaceTeamMember.objects.create(page=world.ws_b, user=world.bob, role="Manager")
    grants.sync_team(world.ws_b)
    return world


def test_served_workspaces_per_persona(w):
    assert list(access.served_workspaces(w.staff)) == [w.ws_a]
    assert list(access.served_workspaces(w.bob)) == [w.ws_b]
    assert set(access.served_workspaces(w.admin)) == {w.ws_a, w.ws_b}
    assert not access.served_workspaces(w.contact_a).exists()


@pytest.mark.parametrize("model", list(RECORDS), ids=lambda m: m.__name__)
def test_every_workspace_record_has_the_staff_policy(w, model):
    policy = policy_registry.get_by_type(model)
    assert isinstance(policy, access.WorkspaceRecordPolicy)
    mine, theirs = (getattr(w, name) if name else None for name in RECORDS[model])
    a_records = set(policy.instances_user_has_permission_for(w.staff, "change"))
    assert mine in a_records
    assert theirs not in a_records
    assert mine not in set(policy.instances_user_has_permission_for(w.bob, "change"))
    assert not policy.instances_user_has_permission_for(w.contact_a, "view").exists()
    assert mine in set(policy.instances_user_has_permission_for(w.admin, "change"))
    assert policy.user_has_permission_for_instance(w.staff, "change", mine)
    assert not policy.user_has_permission_for_instance(w.bob, "change", mine)
    assert not policy.user_has_permission_for_instance(w.contact_a, "view", mine)
    with pytest.raises(Http404):
        policy.get_or_404(w.bob, pk=mine.pk)
    assert policy.get_or_404(w.staff, pk=mine.pk) == mine
    if theirs is not None:
        assert policy.get_or_404(w.bob, pk=theirs.pk) == theirs


def test_an_issued_invoice_is_never_deletable_even_by_its_team(w):
    policy = policy_registry.get_by_type(Invoice)
    assert policy.user_has_permission_for_instance(w.staff, "delete", w.draft_a)
    assert not policy.user_has_permission_for_instance(w.staff, "delete", w.invoice_a)
    assert not policy.user_has_permission_for_instance(w.admin, "delete", w.invoice_a)


def test_files_and_billing_buttons_only_for_the_team(w, client_for):
    """The workspace page's header offers Files and Billing to its team; the screens behind
    them answer 404 to the staff of another team."""
    page_edit = reverse("wagtailadmin_pages:edit", args=[w.ws_a.pk])
    body = client_for(w.staff).get(page_edit).content.decode()
    assert reverse("documents_admin:root", args=[w.ws_a.pk]) in body
    assert reverse("billing_admin:workspace", args=[w.ws_a.pk]) in body
    for name in ("documents_admin:root", "billing_admin:workspace"):
        assert client_for(w.bob).get(reverse(name, args=[w.ws_a.pk])).status_code == 404
        assert client_for(w.staff).get(reverse(name, args=[w.ws_a.pk])).status_code == 200
