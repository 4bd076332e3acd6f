"""Contacts screen, staff side: staff invite only contacts they may see, and change what is
person-wide (login email, passwords, portal access) only for people all of whose workspaces
they serve. The takeover of another team's contact is walked through end to end."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import ModelLogEntry, PageLogEntry

from workspaces.models import Membership, WorkspaceTeamMember

from ..factories import (
    PASSWORD,
    ContactFactory,
    MembershipFactory,
    StaffFactory,
    WorkspacePageFactory,
    publish,
)

pytestmark = pytest.mark.django_db

User = get_user_model()

PERSON_WIDE = ("password", "email", "access")
REFUSAL = ("Only firm admins or staff serving every workspace of this person can change "
           "their login email, password or portal access.")


def contacts_url(workspace):
    return reverse("portal_admin:contacts", args=[workspace.pk])


def html_of(response):
    return response.content.decode()


def on_team(user, *workspaces):
    for ws in workspaces:
        WorkspaceTeamMember.objects.create(page=ws, user=user, role="Account manager")
        publish(ws)  # the team group gets the staff member and the page permissions
    return user


def invite_choices(html):
    """The user ids offered by the "Invite an existing contact" select."""
    select = html.split('name="existing-user"')[1].split("</select>")[0]
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select)}


def row_for(html, email):
    rows = [row for row in html.split("<tr>") if email in row]
    assert len(rows) == 1, f"expected one row mentioning {email!r}, found {len(rows)}"
    return rows[0].split("</tr>")[0]


def person_logs(user):
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))


def snapshot(user):
    user.refresh_from_db()
    return (user.email, user.password, user.portal_access, user.must_change_password,
            user.sessions_ended_at)


def person_wide_post(client, workspace, membership, action):
    return client.post(contacts_url(workspace), {
        "action": action, "membership": membership.pk, "email": "taken.over@evil.test"})


@pytest.fixture
def staff_b(world):
    """A staff member on workspace B's team only."""
    return on_team(StaffFactory(email="bob@firm.test", first_name="Bob"), world.ws_b)


# ---------------------------------------------------------------------------- the takeover

def test_staff_of_another_team_cannot_take_over_a_contact(world, client_for, staff_b):
    # B's staff also serve C, so their invite list is not empty: only C's contact is offered.
    ws_c = publish(WorkspacePageFactory(parent=world.home, title="Workspace C", slug="gamma"))
    on_team(staff_b, ws_c)
    cleo = ContactFactory(email="cleo@gamma.test")
    MembershipFactory(user=cleo, workspace=ws_c)
    before = snapshot(world.contact_a)
    first_name = world.contact_a.first_name
    client = client_for(staff_b)

    page = client.get(contacts_url(world.ws_b))
    assert page.status_code == 200
    html = html_of(page)
    assert invite_choices(html) == {cleo.pk}
    assert "ann@alpha.test" not in html
    assert escape(str(world.contact_a)) not in html

    # Through the list of existing contacts: not a valid choice.
    response = client.post(contacts_url(world.ws_b), {
        "action": "invite", "existing-user": world.contact_a.pk, "existing-send_invite": "on"})
    assert response.status_code == 400
    assert "Select a valid choice." in html_of(response)
    assert "ann@alpha.test" not in html_of(response)

    # Through "Create and invite" with the contact's address: refused, and says who can.
    response = client.post(contacts_url(world.ws_b), {
        "action": "create", "new-email": "ANN@alpha.test", "new-first_name": "Mallory",
        "new-send_invite": "on"})
    assert response.status_code == 400
    assert ("An account with this address already exists. Only a firm admin, or staff "
            "serving its workspaces, can add it.") in html_of(response)

    assert not Membership.objects.filter(user=world.contact_a, workspace=world.ws_b).exists()
    assert not PageLogEntry.objects.filter(page_id=world.ws_b.pk,
                                           action="portal.invite").exists()

    # A's membership id posted to B's screen finds nothing there.
    membership_a = Membership.objects.get(user=world.contact_a, workspace=world.ws_a)
    for action in PERSON_WIDE + ("resend",):
        assert person_wide_post(client, world.ws_b, membership_a, action).status_code == 404
    # And A's screen is not theirs.
    for action in PERSON_WIDE:
        assert person_wide_post(client, world.ws_a, membership_a, action).status_code == 404

    assert mail.outbox == []
    assert snapshot(world.contact_a) == before
    assert world.contact_a.first_name == first_name
    assert not person_logs(world.contact_a).exists()
    assert world.contact_a.check_password(PASSWORD)
    assert "ann@alpha.test" not in html_of(client.get(contacts_url(world.ws_b)))
    assert world.contact_a.pk not in invite_choices(html_of(client.get(contacts_url(world.ws_b))))


def test_a_contact_without_workspaces_cannot_be_added_by_staff(world, client_for, staff_b):
    """Not visible to any team: only a firm admin adds them."""
    olga = ContactFactory(email="olga@other.test")
    client = client_for(staff_b)
    assert olga.pk not in invite_choices(html_of(client.get(contacts_url(world.ws_b))))
    response = client.post(contacts_url(world.ws_b), {
        "action": "create", "new-email": "olga@other.test", "new-send_invite": "on"})
    assert response.status_code == 400
    assert "An account with this address already exists." in html_of(response)
    assert not olga.memberships.exists()
    assert mail.outbox == []


def test_a_new_address_is_still_created_and_invited_by_staff(world, client_for, staff_b):
    response = client_for(staff_b).post(contacts_url(world.ws_b), {
        "action": "create", "new-email": "newbie@beta.test", "new-send_invite": "on"})
    assert response.status_code == 302
    newbie = User.objects.get(email="newbie@beta.test")
    assert Membership.objects.get(user=newbie, workspace=world.ws_b).is_active
    assert [m.to for m in mail.outbox] == [["newbie@beta.test"]]


def test_staff_add_a_contact_of_another_workspace_they_serve(world, client_for, staff_b):
    """Bea is B's contact; B's staff also serve C, so they may bring her into C."""
    ws_c = publish(WorkspacePageFactory(parent=world.home, title="Workspace C", slug="gamma"))
    on_team(staff_b, ws_c)
    client = client_for(staff_b)
    assert world.contact_b.pk in invite_choices(html_of(client.get(contacts_url(ws_c))))
    response = client.post(contacts_url(ws_c), {
        "action": "create", "new-email": "bea@beta.test", "new-send_invite": "on"})
    assert response.status_code == 302
    assert Membership.objects.get(user=world.contact_b, workspace=ws_c).is_active
    assert [m.to for m in mail.outbox] == [["bea@beta.test"]]


# ---------------------------------------------------------------------------- person-wide

def test_person_wide_changes_need_every_workspace_of_the_person(world, client_for, staff_b):
    """Ann is in A and B (a firm admin added her to B). B's staff do not serve A: they may
    remove her from B or email her a link for B, but not change her credentials or access."""
    membership = MembershipFactory(user=world.contact_a, workspace=world.ws_b)
    before = snapshot(world.contact_a)
    client = client_for(staff_b)

    for action in PERSON_WIDE:
        response = person_wide_post(client, world.ws_b, membership, action)
        assert response.status_code == 403, action
        html = html_of(response)
        assert REFUSAL in html, action
        assert "ann@alpha.test is also in 1 workspace you do not serve: Workspace A." in html
        assert "Temporary password for" not in html
    assert snapshot(world.contact_a) == before
    assert world.contact_a.check_password(PASSWORD)
    assert not person_logs(world.contact_a).exists()
    assert mail.outbox == []

    # The page shows those actions disabled, with the same explanation, not a failing button.
    row = row_for(html_of(client.get(contacts_url(world.ws_b))), "ann@alpha.test")
    assert REFUSAL in row and "Workspace A" in row
    for action in PERSON_WIDE:
        assert f'name="action" value="{action}"' not in row, action
    for label in ("Switch access off", "Set temporary password", "Change email"):
        assert re.search(rf"<button[^>]*disabled[^>]*>{label}</button>", row), label
    bea_row = row_for(html_of(client.get(contacts_url(world.ws_b))), "bea@beta.test")
    assert 'name="action" value="password"' in bea_row and REFUSAL not in bea_row

    # Membership actions for B stay with B's team.
    response = person_wide_post(client, world.ws_b, membership, "resend")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ann@alpha.test"]]
    response = person_wide_post(client, world.ws_b, membership, "membership")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False


def test_the_refusal_names_every_blocking_workspace(world, client_for, staff_b):
    ws_c = publish(WorkspacePageFactory(parent=world.home, title="Workspace C", slug="gamma"))
    membership = MembershipFactory(user=world.contact_a, workspace=world.ws_b)
    MembershipFactory(user=world.contact_a, workspace=ws_c)
    response = person_wide_post(client_for(staff_b), world.ws_b, membership, "password")
    assert response.status_code == 403
    assert ("ann@alpha.test is also in 2 workspaces you do not serve: Workspace A, "
            "Workspace C.") in html_of(response)


def test_a_removed_membership_elsewhere_still_blocks(world, client_for):
    """Rita was removed from A: A's staff still do not decide alone if she is also in B."""
    MembershipFactory(user=world.removed, workspace=world.ws_b)
    membership_a = Membership.objects.get(user=world.removed, workspace=world.ws_a)
    response = person_wide_post(client_for(world.staff), world.ws_a, membership_a, "access")
    assert response.status_code == 403
    assert "Workspace B" in html_of(response)
    world.removed.refresh_from_db()
    assert world.removed.portal_access


def test_a_firm_admin_can_do_all_of_it(world, client_for):
    admin = client_for(world.admin)
    olga = ContactFactory(email="olga@other.test")  # in no workspace
    choices = invite_choices(html_of(admin.get(contacts_url(world.ws_b))))
    assert {world.contact_a.pk, olga.pk} <= choices

    response = admin.post(contacts_url(world.ws_b), {
        "action": "invite", "existing-user": world.contact_a.pk, "existing-send_invite": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.contact_a, workspace=world.ws_b)
    response = admin.post(contacts_url(world.ws_b), {
        "action": "create", "new-email": "olga@other.test", "new-send_invite": "on"},
        follow=True)
    assert "olga@other.test already had an account and was added." in html_of(response)
    assert olga.memberships.get().workspace_id == world.ws_b.pk
    assert [m.to for m in mail.outbox] == [["ann@alpha.test"], ["olga@other.test"]]

    row = row_for(html_of(admin.get(contacts_url(world.ws_b))), "ann@alpha.test")
    assert 'name="action" value="password"' in row and REFUSAL not in row
    assert_person_wide_changes_work(admin, world.ws_b, membership, world.contact_a)


def test_staff_serving_both_workspaces_can_do_it(world, client_for, staff_b):
    both = on_team(StaffFactory(email="both@firm.test"), world.ws_a, world.ws_b)
    client = client_for(both)
    assert world.contact_a.pk in invite_choices(html_of(client.get(contacts_url(world.ws_b))))
    response = client.post(contacts_url(world.ws_b), {
        "action": "invite", "existing-user": world.contact_a.pk})
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.contact_a, workspace=world.ws_b)
    # The other way round, through "Create and invite".
    response = client.post(contacts_url(world.ws_a), {
        "action": "create", "new-email": "bea@beta.test"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=world.contact_b, workspace=world.ws_a).exists()

    assert_person_wide_changes_work(client, world.ws_b, membership, world.contact_a)
    # B's staff alone still may not: Ann is in A too.
    assert person_wide_post(client_for(staff_b), world.ws_b, membership,
                            "access").status_code == 403


def assert_person_wide_changes_work(client, workspace, membership, person):
    response = person_wide_post(client, workspace, membership, "password")
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.must_change_password and not person.check_password(PASSWORD)
    response = client.post(contacts_url(workspace), {
        "action": "email", "membership": membership.pk, "email": "ann.moved@alpha.test"})
    assert response.status_code == 302
    response = person_wide_post(client, workspace, membership, "access")
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "ann.moved@alpha.test"
    assert person.portal_access is False
    assert set(person_logs(person).values_list("action", flat=True)) == {
        "portal.temp_password", "portal.email_change", "portal.access_off"}


def test_contacts_page_queries_do_not_grow_with_shared_contacts(world, client_for, staff_b):
    """Who may change whom is read for the whole listing at once, not per row."""
    client = client_for(staff_b)
    client.get(contacts_url(world.ws_b))  # warm caches (site, settings)

    def count():
        with CaptureQueriesContext(connection) as queries:
            html = html_of(client.get(contacts_url(world.ws_b)))
        return len(queries), html.count(REFUSAL)

    MembershipFactory(user=world.contact_a, workspace=world.ws_b)
    one = count()
    for user in (world.contact_a2, world.revoked, world.removed):
        MembershipFactory(user=user, workspace=world.ws_b)
    four = count()
    assert (one[1], four[1]) == (1, 4)
    assert four[0] == one[0]
