"""The staff admin screens on a workspace: contacts, team scoping, who can see, preview."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils.html import escape
from taggit.models import Tag
from wagtail.models import ModelLogEntry, PageLogEntry

from workspaces.middleware import PREVIEW_SESSION_KEY
from workspaces.models import Membership

from ..factories import ContactFactory, MembershipFactory, StaffFactory, publish

pytestmark = pytest.mark.django_db

User = get_user_model()


def contacts_url(workspace):
    return reverse("portal_admin:contacts", args=[workspace.pk])


def preview_url(workspace):
    return reverse("portal_admin:preview", args=[workspace.pk])


def who_url(page):
    return reverse("portal_admin:who_can_see", args=[page.pk])


def membership_of(user, workspace):
    return Membership.objects.get(user=user, workspace=workspace)


def html_of(response):
    return response.content.decode()


def page_logs(workspace, action):
    return PageLogEntry.objects.filter(page_id=workspace.pk, action=action)


def user_logs(user, action):
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk),
        action=action)


def row_for(html, text):
    """The <tr> of a listing that mentions `text`."""
    rows = [row for row in re.split(r"<tr[\s>]", html) if text in row]
    assert len(rows) == 1, f"expected one row mentioning {text!r}, found {len(rows)}"
    return rows[0].split("</tr>")[0]


def other_staff():
    """A staff member who may use the admin but is in no workspace's team."""
    user = StaffFactory(email="other-staff@firm.test")
    group = Group.objects.create(name="Admin users")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                 codename="access_admin"))
    user.groups.add(group)
    return user


# ---------------------------------------------------------------------------- contacts

def test_create_and_invite_a_new_contact(world, client_for):
    response = client_for(world.admin).post(contacts_url(world.ws_a), {
        "action": "create",
        "new-email": "Nina@Alpha.test",
        "new-first_name": "Nina",
        "new-last_name": "North",
        "new-title": "CFO",
        "new-send_invite": "on",
    })
    assert response.status_code == 302
    assert response["Location"] == contacts_url(world.ws_a)

    user = User.objects.get(email="nina@alpha.test")
    assert (user.first_name, user.last_name, user.is_staff) == ("Nina", "North", False)
    assert not user.has_usable_password()
    membership = membership_of(user, world.ws_a)
    assert membership.is_active and membership.title == "CFO"
    assert membership.invited_by == world.admin
    assert user.groups.filter(pk=world.ws_a.client_group_id).exists()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@alpha.test"]
    assert "http://testserver" + reverse("portal:magic_link") + "?token=" in message.body

    log = page_logs(world.ws_a, "portal.invite").get()
    assert log.user == world.admin
    assert log.data == {"contact": "nina@alpha.test"}

    page = client_for(world.admin).get(contacts_url(world.ws_a))
    assert "nina@alpha.test" in html_of(page)


def test_create_without_invite_sends_nothing(world, client_for):
    response = client_for(world.admin).post(contacts_url(world.ws_a), {
        "action": "create", "new-email": "quiet@alpha.test",
    })
    assert response.status_code == 302
    assert membership_of(User.objects.get(email="quiet@alpha.test"), world.ws_a).is_active
    assert mail.outbox == []


def test_create_with_a_staff_email_is_refused(world, client_for):
    before = Membership.objects.count()
    response = client_for(world.admin).post(contacts_url(world.ws_a), {
        "action": "create", "new-email": "STAFF@firm.test", "new-first_name": "Sneaky",
        "new-send_invite": "on",
    })
    assert response.status_code == 400
    assert "This address belongs to firm staff, not a contact." in html_of(response)
    assert Membership.objects.count() == before
    assert not Membership.objects.filter(user=world.staff).exists()
    assert mail.outbox == []
    assert not page_logs(world.ws_a, "portal.invite").exists()
    world.staff.refresh_from_db()
    assert world.staff.first_name != "Sneaky"


def test_create_with_an_invalid_email_creates_nothing(world, client_for):
    users, memberships = User.objects.count(), Membership.objects.count()
    response = client_for(world.admin).post(contacts_url(world.ws_a), {
        "action": "create", "new-email": "not-an-email", "new-send_invite": "on",
    })
    assert response.status_code == 400
    assert "Enter a valid email address." in html_of(response)
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert mail.outbox == []
    assert not page_logs(world.ws_a, "portal.invite").exists()


def test_invite_an_existing_contact(world, client_for):
    olga = ContactFactory(email="olga@other.test", first_name="Olga")
    response = client_for(world.admin).post(contacts_url(world.ws_a), {
        "action": "invite", "existing-user": olga.pk, "existing-title": "Controller",
        "existing-send_invite": "on",
    })
    assert response.status_code == 302
    membership = membership_of(olga, world.ws_a)
    assert membership.is_active and membership.title == "Controller"
    assert [m.to for m in mail.outbox] == [["olga@other.test"]]
    assert page_logs(world.ws_a, "portal.invite").get().data == {"contact": "olga@other.test"}


def test_invite_existing_refuses_staff_and_members(world, client_for):
    client = client_for(world.admin)
    for user in (world.staff, world.contact_a):
        response = client.post(contacts_url(world.ws_a), {
            "action": "invite", "existing-user": user.pk, "existing-send_invite": "on"})
        assert response.status_code == 400
    assert not Membership.objects.filter(user=world.staff).exists()
    assert mail.outbox == []


def test_portal_access_off_and_on(world, client_for):
    contact_session = client_for(world.contact_a)
    assert contact_session.get(world.ws_a.url).status_code == 200
    assert world.contact_a.sessions_ended_at is None
    admin = client_for(world.admin)
    data = {"action": "access", "membership": membership_of(world.contact_a, world.ws_a).pk}

    assert admin.post(contacts_url(world.ws_a), data).status_code == 302
    world.contact_a.refresh_from_db()
    assert world.contact_a.portal_access is False
    assert world.contact_a.sessions_ended_at is not None
    log = user_logs(world.contact_a, "portal.access_off").get()
    assert log.user == world.admin
    assert log.data == {"workspace": "Workspace A"}
    # Their session has ended, and nothing was deleted.
    response = contact_session.get(world.ws_a.url)
    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]
    assert membership_of(world.contact_a, world.ws_a).is_active

    assert admin.post(contacts_url(world.ws_a), data).status_code == 302
    world.contact_a.refresh_from_db()
    assert world.contact_a.portal_access is True
    assert user_logs(world.contact_a, "portal.access_on").count() == 1
    assert client_for(world.contact_a).get(world.ws_a.url).status_code == 200


def test_change_email_to_one_in_use_is_refused(world, client_for):
    membership = membership_of(world.contact_a, world.ws_a)
    for taken in ("bea@beta.test", "BEA@Beta.TEST", "staff@firm.test"):
        response = client_for(world.admin).post(contacts_url(world.ws_a), {
            "action": "email", "membership": membership.pk, "email": taken})
        assert response.status_code == 400
        assert "Another account already uses this email." in html_of(response)
    world.contact_a.refresh_from_db()
    assert world.contact_a.email == "ann@alpha.test"
    assert world.contact_a.sessions_ended_at is None
    assert not user_logs(world.contact_a, "portal.email_change").exists()


def test_change_email(world, client_for):
    membership = membership_of(world.contact_a, world.ws_a)
    contact_session = client_for(world.contact_a)
    response = client_for(world.admin).post(contacts_url(world.ws_a), {
        "action": "email", "membership": membership.pk, "email": "Ann.New@Alpha.test"},
        follow=True)
    assert response.status_code == 200
    assert "The login email is now ann.new@alpha.test." in html_of(response)
    world.contact_a.refresh_from_db()
    assert world.contact_a.email == "ann.new@alpha.test"
    assert world.contact_a.sessions_ended_at is not None
    assert contact_session.get(world.ws_a.url).status_code == 302  # logged out everywhere
    assert user_logs(world.contact_a, "portal.email_change").get().data == {
        "old": "ann@alpha.test", "new": "ann.new@alpha.test"}


def test_temporary_password_is_shown_once(world, client_for):
    admin = client_for(world.admin)
    membership = membership_of(world.contact_a2, world.ws_a)
    response = admin.post(contacts_url(world.ws_a),
                          {"action": "password", "membership": membership.pk}, follow=True)
    assert response.status_code == 200
    found = re.search(r"Temporary password for arno@alpha\.test: (\S+)\. Send it",
                      html_of(response))
    assert found, "the temporary password is not in the message"
    password = found.group(1)
    world.contact_a2.refresh_from_db()
    assert world.contact_a2.check_password(password)
    assert world.contact_a2.must_change_password
    assert user_logs(world.contact_a2, "portal.temp_password").count() == 1

    again = html_of(admin.get(contacts_url(world.ws_a)))
    assert password not in again
    assert "Temporary password not yet replaced" in again


def test_remove_from_workspace_keeps_the_user(world, client_for):
    membership = membership_of(world.contact_a, world.ws_a)
    response = client_for(world.admin).post(contacts_url(world.ws_a), {
        "action": "membership", "membership": membership.pk})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False
    assert User.objects.filter(pk=world.contact_a.pk).exists()
    assert not world.contact_a.groups.filter(pk=world.ws_a.client_group_id).exists()
    assert page_logs(world.ws_a, "portal.remove").get().data == {"contact": "ann@alpha.test"}
    assert client_for(world.contact_a).get(world.ws_a.url).status_code == 404


def test_actions_on_another_workspaces_membership_are_404(world, client_for):
    foreign = membership_of(world.contact_b, world.ws_b)
    for action in ("access", "membership", "password", "email", "resend"):
        response = client_for(world.admin).post(contacts_url(world.ws_a), {
            "action": action, "membership": foreign.pk, "email": "x@example.test"})
        assert response.status_code == 404, action
    world.contact_b.refresh_from_db()
    assert world.contact_b.portal_access and world.contact_b.email == "bea@beta.test"
    assert membership_of(world.contact_b, world.ws_b).is_active


def test_malformed_membership_ids_are_404(world, client_for):
    admin = client_for(world.admin)
    for value in ("abc", "", "1.5", "-1"):
        assert admin.post(contacts_url(world.ws_a), {
            "action": "access", "membership": value}).status_code == 404, value
        assert admin.post(preview_url(world.ws_a), {"membership": value}).status_code == 404
    assert admin.post(contacts_url(world.ws_a), {"action": "access"}).status_code == 404
    assert admin.post(contacts_url(world.ws_a), {"action": "nonsense"}).status_code == 404
    assert PREVIEW_SESSION_KEY not in admin.session


# ---------------------------------------------------------------------------- staff teams

def test_staff_see_only_their_teams_workspaces(world, client_for):
    staff = client_for(world.staff)
    assert staff.get(contacts_url(world.ws_a)).status_code == 200
    assert staff.get(contacts_url(world.ws_b)).status_code == 404
    assert staff.get(preview_url(world.ws_b)).status_code == 404
    assert staff.get(who_url(world.page_b)).status_code == 404
    assert staff.post(contacts_url(world.ws_b), {
        "action": "access", "membership": membership_of(world.contact_b, world.ws_b).pk,
    }).status_code == 404
    world.contact_b.refresh_from_db()
    assert world.contact_b.portal_access

    explorer_a = staff.get(reverse("wagtailadmin_explore", args=[world.ws_a.pk]))
    assert explorer_a.status_code == 200
    assert "Alpha brief" in html_of(explorer_a)
    explorer_b = staff.get(reverse("wagtailadmin_explore", args=[world.ws_b.pk]))
    assert not (explorer_b.status_code == 200 and "Beta brief" in html_of(explorer_b))
    assert staff.get(reverse("wagtailadmin_pages:edit", args=[world.ws_b.pk])).status_code != 200

    admin = client_for(world.admin)
    for ws, child in ((world.ws_a, "Alpha brief"), (world.ws_b, "Beta brief")):
        assert admin.get(contacts_url(ws)).status_code == 200
        response = admin.get(reverse("wagtailadmin_explore", args=[ws.pk]))
        assert response.status_code == 200
        assert ws.title in html_of(response) and child in html_of(response)


def test_dashboard_shows_the_team(world, client_for):
    response = client_for(world.contact_a).get(world.ws_a.url)
    assert response.status_code == 200
    html = html_of(response)
    assert escape(world.staff.get_full_name()) in html
    assert "Account manager" in html
    assert world.staff.email in html
    # B has no team: none of A's team shows there.
    html_b = html_of(client_for(world.contact_b).get(world.ws_b.url))
    assert world.staff.email not in html_b


# ---------------------------------------------------------------------------- who can see

def test_who_can_see_private_page(world, client_for):
    response = client_for(world.staff).get(who_url(world.page_a_private))
    assert response.status_code == 200
    html = html_of(response)
    allowed = row_for(html, "ann@alpha.test")
    assert "Yes" in allowed and "Granted to this contact personally." in allowed
    refused = row_for(html, "arno@alpha.test")
    assert ">No<" in refused
    assert "Object permission: Not granted to this contact or to the whole workspace." in refused
    assert "Membership and portal access: Portal access is switched off" in row_for(
        html, "rex@alpha.test")
    assert "Membership and portal access: Removed from this workspace." in row_for(
        html, "rita@alpha.test")
    assert "bea@beta.test" not in html
    assert "staff@firm.test" not in html.split("<tbody>")[1]
    assert "1 contact can see" in html


def test_who_can_see_workspace(world, client_for):
    response = client_for(world.admin).get(who_url(world.ws_a))
    assert response.status_code == 200
    html = html_of(response)
    for email in ("ann@alpha.test", "arno@alpha.test"):
        row = row_for(html, email)
        assert "Yes" in row and "Every active member sees the workspace dashboard." in row
    removed = row_for(html, "rita@alpha.test")
    assert ">No<" in removed
    assert "Membership and portal access: Removed from this workspace." in removed
    revoked = row_for(html, "rex@alpha.test")
    assert ">No<" in revoked
    assert "Membership and portal access: Portal access is switched off for this contact." \
        in revoked
    assert "2 contacts can see" in html


def test_who_can_see_is_404_outside_workspaces(world, client_for):
    assert client_for(world.admin).get(who_url(world.public_page)).status_code == 404


# ---------------------------------------------------------------------------- preview

def test_preview_as_contact(world, client_for):
    MembershipFactory(user=world.contact_a2, workspace=world.ws_b)
    # As themselves, contact_a2 may open B: the preview below is what limits it.
    assert client_for(world.contact_a2).get(world.ws_b.url).status_code == 200

    staff = client_for(world.staff)
    listing = staff.get(preview_url(world.ws_a))
    assert listing.status_code == 200
    assert "arno@alpha.test" in html_of(listing)

    membership = membership_of(world.contact_a2, world.ws_a)
    response = staff.post(preview_url(world.ws_a), {"membership": membership.pk})
    assert response.status_code == 302
    assert response["Location"] == world.ws_a.url
    assert staff.session[PREVIEW_SESSION_KEY] == {"contact": world.contact_a2.pk,
                                                  "workspace": world.ws_a.pk}
    log = page_logs(world.ws_a, "portal.preview").get()
    assert log.user == world.staff
    assert log.data == {"contact": "arno@alpha.test"}

    dashboard = staff.get(world.ws_a.url)
    assert dashboard.status_code == 200
    html = html_of(dashboard)
    assert "preview-banner" in html
    assert f"<strong>{escape(str(world.contact_a2))}</strong>" in html
    assert "Alpha brief" in html
    assert "Alpha payroll" not in html
    assert "Alpha risk notes" not in html
    assert staff.get(world.page_a.url).status_code == 200
    assert staff.get(world.page_a_private.url).status_code == 404

    # Read only: nothing can be sent or changed, as the contact or as the staff member.
    staff_name = (world.staff.first_name, world.staff.last_name)
    refused = staff.post(reverse("portal:profile"), {
        "form": "profile", "profile-first_name": "Hacked", "profile-last_name": "Hacked",
        "profile-language": "fr"})
    assert refused.status_code == 403
    assert "Preview is read only" in html_of(refused)
    world.contact_a2.refresh_from_db()
    world.staff.refresh_from_db()
    assert world.contact_a2.first_name == "Arno" and world.contact_a2.language == ""
    assert (world.staff.first_name, world.staff.last_name) == staff_name
    assert staff.post(reverse("portal:logout")).status_code == 403
    assert staff.post(world.ws_a.url).status_code == 403

    # Limited to the workspace previewed from, although the contact is a member of B too.
    assert staff.get(world.ws_b.url).status_code == 404
    assert staff.get(world.page_b.url).status_code == 404
    assert "Workspace B" not in html_of(staff.get(reverse("portal:switcher") + "?all=1"))

    # The admin itself is not previewed.
    assert staff.get(contacts_url(world.ws_a)).status_code == 200

    exit_response = staff.post(reverse("portal:preview_exit"))
    assert exit_response.status_code == 302
    assert exit_response["Location"] == reverse("wagtailadmin_pages:edit", args=[world.ws_a.pk])
    assert PREVIEW_SESSION_KEY not in staff.session
    after = staff.get(world.ws_a.url)
    assert "preview-banner" not in html_of(after)
    assert after.status_code == 404  # staff are not members of the workspace themselves


def test_preview_only_of_the_workspaces_own_contacts(world, client_for):
    staff = client_for(world.staff)
    foreign = membership_of(world.contact_b, world.ws_b)
    assert staff.post(preview_url(world.ws_a), {"membership": foreign.pk}).status_code == 404
    assert PREVIEW_SESSION_KEY not in staff.session
    assert not page_logs(world.ws_a, "portal.preview").exists()


def test_preview_is_404_for_staff_outside_the_team(world, client_for):
    outsider = client_for(other_staff())
    assert outsider.get(reverse("wagtailadmin_home")).status_code == 200
    assert outsider.get(preview_url(world.ws_a)).status_code == 404
    membership = membership_of(world.contact_a2, world.ws_a)
    assert outsider.post(preview_url(world.ws_a), {"membership": membership.pk}
                         ).status_code == 404
    assert PREVIEW_SESSION_KEY not in outsider.session
    assert not page_logs(world.ws_a, "portal.preview").exists()
    assert outsider.get(contacts_url(world.ws_a)).status_code == 404
    assert outsider.get(who_url(world.page_a_private)).status_code == 404


def test_preview_session_is_ignored_for_contacts(world, client_for):
    """A contact whose session somehow carries a preview key stays themselves."""
    client = client_for(world.contact_a2)
    session = client.session
    session[PREVIEW_SESSION_KEY] = {"contact": world.contact_a.pk, "workspace": world.ws_a.pk}
    session.save()
    html = html_of(client.get(world.ws_a.url))
    assert "preview-banner" not in html
    assert "Alpha payroll" not in html


def test_workspace_listing_filters_by_tag_and_respects_teams(world, client_for):
    world.ws_a.tags.add("tax-season")
    publish(world.ws_a)
    world.ws_b.tags.add("agency")
    publish(world.ws_b)

    admin = client_for(world.admin)
    html = admin.get("/admin/workspaces/").content.decode()
    assert "Workspace A" in html and "Workspace B" in html
    tag = Tag.objects.get(name="agency")
    html = admin.get(f"/admin/workspaces/?tags={tag.pk}").content.decode()
    assert "Workspace B" in html and "Workspace A" not in html
    html = admin.get("/admin/workspaces/?status=archived").content.decode()
    assert "Workspace A" not in html and "Workspace B" not in html

    html = client_for(world.staff).get("/admin/workspaces/").content.decode()
    assert "Workspace A" in html and "Workspace B" not in html


def test_preview_ends_when_staff_leave_the_team(world, client_for):
    staff = client_for(world.staff)
    membership = Membership.objects.get(user=world.contact_a2, workspace=world.ws_a)
    staff.post(reverse("portal_admin:preview", args=[world.ws_a.pk]),
               {"membership": membership.pk})
    assert "Preview:" in staff.get(world.ws_a.url).content.decode()

    world.ws_a.team_members.all().delete()
    publish(world.ws_a)  # the team group loses the staff member and its page permissions

    response = staff.get(world.ws_a.url)
    assert response.status_code == 404  # staff are not contacts of the workspace
    assert PREVIEW_SESSION_KEY not in staff.session
