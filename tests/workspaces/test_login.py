"""The portal's login flows, as a contact (and the firm staff managing them) experience them.

Magic links (request, mail-scanner-safe confirm step, single use, expiry, revocation), the
rate limit on link requests, password login with lockout, temporary passwords, the per-Site
login methods and the audit trail.
"""

import re
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from sesame import tokens_v2
from wagtail.models import ModelLogEntry

from tests.factories import PASSWORD
from tests.portal_login import force_portal_login
from workspaces import models as workspaces_models

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
SENT = "/login/sent/"
LINK = "/login/link/"
CONFIRM = "/login/link/confirm/"
ACCOUNT = "/account/"
SWITCHER = "/workspaces/"
SET_PASSWORD = "/account/password/"
LINK_RE = re.compile(r"http://testserver/login/link/\?token=([A-Za-z0-9_-]+)")
INVALID_LINK_TEXT = "This link no longer works"
DAY = 86400


# -- helpers -------------------------------------------------------------------------------


def ask_for_link(client, email):
    return client.post(LOGIN, {"method": "magic", "email": email})


def token_from(message):
    """The token in a magic-link email, checking that the link is the portal's link page."""
    match = LINK_RE.search(message.body)
    assert match, message.body
    return match.group(1)


def emailed_token(email):
    """Ask for a link on the login page as an anonymous visitor; return the emailed token."""
    before = len(mail.outbox)
    response = ask_for_link(Client(), email)
    assert response.status_code == 302
    assert len(mail.outbox) == before + 1
    message = mail.outbox[-1]
    assert message.to == [email.lower()]
    return token_from(message)


def open_link(client, token):
    return client.get(LINK, {"token": token})


def log_in_with_link(client, token):
    """What a person does: open the link, press the button. Returns the POST's response."""
    response = open_link(client, token)
    assert response.status_code == 302, response.content
    assert response["Location"] == CONFIRM
    return client.post(CONFIRM)


def password_login(client, email, password, **extra):
    return client.post(LOGIN, {"method": "password", "email": email, "password": password,
                               **extra})


def session_user_id(client):
    return client.session.get("_auth_user_id")


def assert_logged_in_as(client, user):
    assert session_user_id(client) == str(user.pk)
    assert client.get(ACCOUNT).status_code == 200


def assert_logged_out(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
    assert session_user_id(client) is None


def contacts_url(world):
    return f"/admin/portal/workspace/{world.ws_a.pk}/contacts/"


def membership_of(world, user):
    return user.memberships.get(workspace=world.ws_a)


def admin_action(world, client, user, action, **data):
    """Staff press a button on the workspace's Contacts screen in the Wagtail admin."""
    response = client.post(contacts_url(world), {
        "action": action, "membership": membership_of(world, user).pk, **data})
    assert response.status_code == 302, response.content
    assert response["Location"] == contacts_url(world)
    return response


def at(timestamp):
    """Patch the clock django-sesame reads when it makes and checks tokens."""
    clock = mock.Mock(wraps=time)
    clock.time.return_value = timestamp
    return mock.patch.object(tokens_v2, "time", clock)


@contextmanager
def one_second_later():
    """Tokens carry their issue time in whole seconds, and links issued in the second in which
    a contact's sessions were ended are refused; so move the clocks that links are made and
    checked with (django-sesame's, and User.link_max_age's) a second ahead, instead of waiting
    for the real one to tick."""
    clock = mock.Mock(wraps=time)
    clock.time.side_effect = lambda: time.time() + 1
    with mock.patch.object(tokens_v2, "time", clock), \
            mock.patch.object(workspaces_models, "time", clock):
        yield


def set_firm(world, **fields):
    for name, value in fields.items():
        setattr(world.firm, name, value)
    world.firm.save()


# -- asking for a magic link ---------------------------------------------------------------


def test_known_address_gets_an_email_with_a_link_to_the_portal(world):
    response = ask_for_link(Client(), world.contact_a.email)

    assert response.status_code == 302
    assert response["Location"] == SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.contact_a.email]
    assert token_from(message)
    html = message.alternatives[0][0]
    assert "/login/link/?token=" in html


def test_address_is_matched_whatever_its_case(world):
    token = emailed_token("ANN@Alpha.TEST")

    client = Client()
    log_in_with_link(client, token)
    assert_logged_in_as(client, world.contact_a)


@pytest.mark.parametrize("email", ["nobody@unknown.test", "staff@firm.test", "rex@alpha.test"],
                         ids=["unknown", "staff", "revoked"])
def test_unknown_staff_and_revoked_addresses_get_the_same_answer_and_no_email(world, email):
    known = ask_for_link(Client(), world.contact_a.email)
    mail.outbox.clear()

    response = ask_for_link(Client(), email)

    assert response.status_code == known.status_code == 302
    assert response["Location"] == known["Location"] == SENT
    assert mail.outbox == []
    sent_page = Client().get(SENT)
    assert sent_page.status_code == 200
    assert b"If that address has access to this portal" in sent_page.content


def test_invalid_email_is_refused_with_the_form_again(world):
    response = ask_for_link(Client(), "not-an-address")

    assert response.status_code == 400
    assert mail.outbox == []


# -- opening the link ----------------------------------------------------------------------


def test_opening_the_link_logs_nobody_in_and_hides_the_token_from_referrers(world):
    token = emailed_token(world.contact_a.email)
    client = Client()

    response = open_link(client, token)

    assert response.status_code == 302
    assert response["Location"] == CONFIRM
    assert response["Referrer-Policy"] == "no-referrer"
    assert session_user_id(client) is None


def test_confirm_page_shows_a_button_and_still_logs_nobody_in(world):
    token = emailed_token(world.contact_a.email)
    client = Client()
    open_link(client, token)

    response = client.get(CONFIRM)

    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(r'<form method="post" action="/login/link/confirm/">', content)
    assert re.search(r'<button type="submit"[^>]*>Log in</button>', content)
    assert "Ann" in content
    assert session_user_id(client) is None
    assert_logged_out(client)


def test_only_the_post_on_confirm_logs_in_and_the_session_key_changes(world):
    token = emailed_token(world.contact_a.email)
    client = Client()
    open_link(client, token)
    client.get(CONFIRM)
    key_before = client.session.session_key
    assert key_before

    response = client.post(CONFIRM)

    assert response.status_code == 302
    assert response["Location"] == SWITCHER
    assert client.session.session_key != key_before
    assert "portal_magic_token" not in client.session
    assert_logged_in_as(client, world.contact_a)


def test_a_mail_scanner_opening_the_link_first_does_not_spend_it(world):
    token = emailed_token(world.contact_a.email)
    scanner = Client()
    assert open_link(scanner, token).status_code == 302
    assert scanner.get(CONFIRM).status_code == 200

    person = Client()
    log_in_with_link(person, token)

    assert_logged_in_as(person, world.contact_a)
    assert session_user_id(scanner) is None


def test_a_bad_token_shows_the_link_no_longer_works_page(world):
    client = Client()

    response = open_link(client, "not-a-real-token")

    assert response.status_code == 400
    assert response["Referrer-Policy"] == "no-referrer"
    assert INVALID_LINK_TEXT.encode() in response.content
    assert session_user_id(client) is None


def test_confirm_without_having_opened_a_link_is_refused(world):
    client = Client()

    assert client.get(CONFIRM).status_code == 400
    response = client.post(CONFIRM)

    assert response.status_code == 400
    assert INVALID_LINK_TEXT.encode() in response.content
    assert session_user_id(client) is None


def test_a_link_works_only_once(world):
    token = emailed_token(world.contact_a.email)
    first = Client()
    log_in_with_link(first, token)
    assert_logged_in_as(first, world.contact_a)

    second = Client()
    response = open_link(second, token)

    assert response.status_code == 400
    assert INVALID_LINK_TEXT.encode() in response.content
    assert session_user_id(second) is None


def test_a_link_opened_twice_before_confirming_logs_in_only_once(world):
    token = emailed_token(world.contact_a.email)
    one, two = Client(), Client()
    open_link(one, token)
    open_link(two, token)

    assert one.post(CONFIRM).status_code == 302
    response = two.post(CONFIRM)

    assert response.status_code == 400
    assert INVALID_LINK_TEXT.encode() in response.content
    assert session_user_id(two) is None


def test_a_link_older_than_the_firms_lifetime_is_refused(world):
    set_firm(world, magic_link_days=1)
    issued = time.time()
    with at(issued):
        token = emailed_token(world.contact_a.email)

    late = Client()
    with at(issued + DAY + 1):
        response = open_link(late, token)
    assert response.status_code == 400
    assert INVALID_LINK_TEXT.encode() in response.content
    assert session_user_id(late) is None

    in_time = Client()
    with at(issued + DAY - 60):
        log_in_with_link(in_time, token)
    assert_logged_in_as(in_time, world.contact_a)


def test_a_link_that_expires_between_opening_and_confirming_is_refused(world):
    set_firm(world, magic_link_days=1)
    issued = time.time()
    with at(issued):
        token = emailed_token(world.contact_a.email)
    client = Client()
    with at(issued + DAY - 10):
        assert open_link(client, token).status_code == 302

    with at(issued + DAY + 10):
        response = client.post(CONFIRM)

    assert response.status_code == 400
    assert session_user_id(client) is None


def test_the_default_lifetime_is_seven_days(world):
    issued = time.time()
    with at(issued):
        token = emailed_token(world.contact_a.email)

    with at(issued + 7 * DAY + 1):
        assert open_link(Client(), token).status_code == 400
    client = Client()
    with at(issued + 6 * DAY):
        log_in_with_link(client, token)
    assert_logged_in_as(client, world.contact_a)


def test_a_link_opened_while_logged_in_as_someone_else_switches_user_cleanly(world, client_for):
    token = emailed_token(world.contact_a.email)
    client = client_for(world.contact_b)

    log_in_with_link(client, token)

    assert_logged_in_as(client, world.contact_a)


# -- revoking access -----------------------------------------------------------------------


def test_a_link_sent_before_access_is_switched_off_is_refused(world, client_for):
    token = emailed_token(world.contact_a.email)
    admin = client_for(world.admin)

    admin_action(world, admin, world.contact_a, "access")

    world.contact_a.refresh_from_db()
    assert world.contact_a.portal_access is False
    response = open_link(Client(), token)
    assert response.status_code == 400
    assert INVALID_LINK_TEXT.encode() in response.content


def test_a_link_opened_before_access_is_switched_off_cannot_be_confirmed(world, client_for):
    token = emailed_token(world.contact_a.email)
    client = Client()
    open_link(client, token)

    admin_action(world, client_for(world.admin), world.contact_a, "access")

    assert client.post(CONFIRM).status_code == 400
    assert session_user_id(client) is None


def test_a_link_sent_before_access_was_switched_off_stays_dead_when_it_is_back_on(
        world, client_for):
    token = emailed_token(world.contact_a.email)
    admin = client_for(world.admin)
    admin_action(world, admin, world.contact_a, "access")
    admin_action(world, admin, world.contact_a, "access")
    world.contact_a.refresh_from_db()
    assert world.contact_a.portal_access is True

    response = open_link(Client(), token)

    assert response.status_code == 400
    assert INVALID_LINK_TEXT.encode() in response.content
    # A new link works again.
    with one_second_later():
        client = Client()
        log_in_with_link(client, emailed_token(world.contact_a.email))
        assert_logged_in_as(client, world.contact_a)


@pytest.mark.parametrize("persona", ["admin", "staff"])
def test_switching_access_off_ends_the_contacts_session_at_once(world, client_for, persona):
    contact = Client()
    log_in_with_link(contact, emailed_token(world.contact_a.email))
    assert_logged_in_as(contact, world.contact_a)
    staff = client_for(getattr(world, persona))

    admin_action(world, staff, world.contact_a, "access")

    assert_logged_out(contact)


def test_switching_access_off_ends_password_sessions_too(world, client_for):
    contact = Client()
    password_login(contact, world.contact_a.email, PASSWORD)
    assert_logged_in_as(contact, world.contact_a)

    admin_action(world, client_for(world.admin), world.contact_a, "access")

    assert_logged_out(contact)
    response = password_login(Client(), world.contact_a.email, PASSWORD)
    assert response.status_code == 400


def test_switching_access_back_on_does_not_revive_the_old_session(world, client_for):
    contact = Client()
    log_in_with_link(contact, emailed_token(world.contact_a.email))
    admin = client_for(world.admin)

    admin_action(world, admin, world.contact_a, "access")
    admin_action(world, admin, world.contact_a, "access")

    world.contact_a.refresh_from_db()
    assert world.contact_a.portal_access is True
    assert_logged_out(contact)
    # They can log in again the ordinary way.
    with one_second_later():
        log_in_with_link(contact, emailed_token(world.contact_a.email))
        assert_logged_in_as(contact, world.contact_a)


def test_switching_one_contact_off_leaves_other_contacts_logged_in(world, client_for):
    other = Client()
    log_in_with_link(other, emailed_token(world.contact_a2.email))

    admin_action(world, client_for(world.admin), world.contact_a, "access")

    assert_logged_in_as(other, world.contact_a2)


# -- changing the login email --------------------------------------------------------------


def test_changing_the_email_invalidates_earlier_links_and_ends_sessions(world, client_for):
    logged_in = Client()
    log_in_with_link(logged_in, emailed_token(world.contact_a.email))
    unused_token = emailed_token(world.contact_a.email)

    admin_action(world, client_for(world.admin), world.contact_a, "email",
                 email="ann.new@alpha.test")

    world.contact_a.refresh_from_db()
    assert world.contact_a.email == "ann.new@alpha.test"
    assert_logged_out(logged_in)
    response = open_link(Client(), unused_token)
    assert response.status_code == 400
    assert INVALID_LINK_TEXT.encode() in response.content


def test_after_an_email_change_only_the_new_address_gets_links(world, client_for):
    admin_action(world, client_for(world.admin), world.contact_a, "email",
                 email="ann.new@alpha.test")
    mail.outbox.clear()
    with one_second_later():  # links made in the second of the change are refused too
        assert ask_for_link(Client(), "ann@alpha.test")["Location"] == SENT
        assert mail.outbox == []

        client = Client()
        log_in_with_link(client, emailed_token("ann.new@alpha.test"))
        assert_logged_in_as(client, world.contact_a)


# -- rate limit on link requests -----------------------------------------------------------


def test_the_sixth_link_request_for_one_address_is_refused(world):
    client = Client()
    for _ in range(5):
        assert ask_for_link(client, world.contact_a.email)["Location"] == SENT
    assert len(mail.outbox) == 5

    response = ask_for_link(client, world.contact_a.email)

    assert response.status_code == 429
    assert b"Too many link requests. Wait a few minutes and try again." in response.content
    assert len(mail.outbox) == 5


def test_the_rate_limit_counts_an_address_whatever_its_case(world):
    for variant in ["ann@alpha.test", "ANN@alpha.test", "Ann@Alpha.test", "ann@ALPHA.TEST",
                    "aNN@alpha.test"]:
        ask_for_link(Client(), variant)

    assert ask_for_link(Client(), "ANN@ALPHA.TEST").status_code == 429
    assert len(mail.outbox) == 5


def test_the_rate_limit_for_one_address_does_not_block_another(world):
    for _ in range(6):
        ask_for_link(Client(), world.contact_a.email)
    mail.outbox.clear()

    response = ask_for_link(Client(), world.contact_a2.email)

    assert response["Location"] == SENT
    assert [m.to for m in mail.outbox] == [[world.contact_a2.email]]


def test_the_rate_limit_applies_to_unknown_addresses_too(world):
    """Otherwise the 429 would tell an attacker which addresses are real."""
    for _ in range(5):
        assert ask_for_link(Client(), "nobody@unknown.test")["Location"] == SENT

    assert ask_for_link(Client(), "nobody@unknown.test").status_code == 429


# -- password login ------------------------------------------------------------------------


def test_password_login_works_and_rotates_the_session_key(world):
    client = Client()
    key_before = client.session.session_key
    assert key_before

    response = password_login(client, world.contact_a.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == SWITCHER
    assert client.session.session_key != key_before
    assert_logged_in_as(client, world.contact_a)


def test_password_login_ignores_the_case_of_the_address(world):
    client = Client()

    password_login(client, "Ann@ALPHA.test", PASSWORD)

    assert_logged_in_as(client, world.contact_a)


def test_password_login_follows_a_local_next_but_not_an_outside_one(world):
    client = Client()
    response = password_login(client, world.contact_a.email, PASSWORD, next=ACCOUNT)
    assert response["Location"] == ACCOUNT

    client = Client()
    response = password_login(client, world.contact_a.email, PASSWORD,
                              next="https://evil.test/phish")
    assert response["Location"] == SWITCHER


def test_wrong_password_gives_a_clear_message(world):
    client = Client()

    response = password_login(client, world.contact_a.email, "wrong-password-here")

    assert response.status_code == 400
    assert (b"That email and password do not match an account with portal access."
            in response.content)
    assert_logged_out(client)


def test_a_revoked_contact_cannot_log_in_with_the_right_password(world):
    client = Client()

    response = password_login(client, world.revoked.email, PASSWORD)

    assert response.status_code == 400
    assert b"do not match an account with portal access" in response.content
    assert session_user_id(client) is None


def test_five_failures_lock_the_address_even_against_the_right_password(world):
    client = Client()
    for _ in range(4):
        assert password_login(client, world.contact_a.email, "wrong-password").status_code == 400
    fifth = password_login(client, world.contact_a.email, "wrong-password")
    assert fifth.status_code == 429

    response = password_login(client, world.contact_a.email, PASSWORD)

    assert response.status_code == 429
    assert b"Too many failed attempts for this account" in response.content
    assert_logged_out(client)
    # From another browser too: the address is what is locked.
    other = Client()
    assert password_login(other, world.contact_a.email, PASSWORD).status_code == 429
    assert session_user_id(other) is None


def test_a_locked_address_can_still_log_in_with_a_magic_link(world):
    client = Client()
    for _ in range(5):
        password_login(client, world.contact_a.email, "wrong-password")

    log_in_with_link(client, emailed_token(world.contact_a.email))

    assert_logged_in_as(client, world.contact_a)


def test_fewer_than_five_failures_then_success_logs_in(world):
    client = Client()
    for _ in range(4):
        password_login(client, world.contact_a.email, "wrong-password")

    response = password_login(client, world.contact_a.email, PASSWORD)

    assert response.status_code == 302
    assert_logged_in_as(client, world.contact_a)


# -- temporary passwords -------------------------------------------------------------------


def give_temp_password(world, client_for, user):
    """Staff press "temporary password"; return the password shown to them."""
    admin = client_for(world.admin)
    response = admin.post(contacts_url(world), {
        "action": "password", "membership": membership_of(world, user).pk}, follow=True)
    assert response.status_code == 200
    match = re.search(rf"Temporary password for {re.escape(user.email)}: (\S+?)\. Send it",
                      response.content.decode())
    assert match, "the temporary password is shown to staff in a success message"
    return match.group(1)


def test_a_temp_password_forces_a_new_password_before_anything_else(world, client_for):
    temp = give_temp_password(world, client_for, world.contact_a)
    client = Client()

    response = password_login(client, world.contact_a.email, temp)

    assert response.status_code == 302
    assert response["Location"] == SET_PASSWORD
    page = client.get(SET_PASSWORD)
    assert page.status_code == 200
    assert b"You logged in with a temporary password" in page.content
    for path in [SWITCHER, ACCOUNT, world.ws_a.url, world.page_a.url, LOGIN]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == SET_PASSWORD, path

    new_password = "a-fresh-passphrase-42"
    response = client.post(SET_PASSWORD, {"new_password1": new_password,
                                          "new_password2": new_password})

    assert response.status_code == 302
    assert response["Location"] == SWITCHER
    assert_logged_in_as(client, world.contact_a)
    assert client.get(world.ws_a.url).status_code == 200
    world.contact_a.refresh_from_db()
    assert world.contact_a.must_change_password is False
    # Staff's reset and the contact's own choice are both in the person's history.
    history = list(ModelLogEntry.objects.filter(
        content_type__model="user", object_id=str(world.contact_a.pk),
        action__in=["portal.temp_password", "portal.password_change"]).order_by(
            "timestamp", "pk").values_list("action", "user_id"))
    assert history == [("portal.temp_password", world.admin.pk),
                       ("portal.password_change", world.contact_a.pk)]

    old = Client()
    assert password_login(old, world.contact_a.email, temp).status_code == 400
    assert session_user_id(old) is None
    fresh = Client()
    password_login(fresh, world.contact_a.email, new_password)
    assert_logged_in_as(fresh, world.contact_a)


def test_a_temp_password_replaces_the_old_password_and_ends_sessions(world, client_for):
    logged_in = Client()
    password_login(logged_in, world.contact_a.email, PASSWORD)

    give_temp_password(world, client_for, world.contact_a)

    assert session_user_id(Client()) is None
    assert_logged_out(logged_in)
    assert password_login(Client(), world.contact_a.email, PASSWORD).status_code == 400


def test_the_forced_password_form_rejects_a_weak_or_mismatched_password(world, client_for):
    temp = give_temp_password(world, client_for, world.contact_a)
    client = Client()
    password_login(client, world.contact_a.email, temp)

    weak = client.post(SET_PASSWORD, {"new_password1": "short", "new_password2": "short"})
    mismatched = client.post(SET_PASSWORD, {"new_password1": "a-fresh-passphrase-42",
                                            "new_password2": "a-fresh-passphrase-43"})

    assert weak.status_code == 400
    assert mismatched.status_code == 400
    assert b"The two passwords do not match." in mismatched.content
    assert client.get(SWITCHER)["Location"] == SET_PASSWORD


def test_a_magic_link_login_with_a_pending_temp_password_also_goes_to_set_password(
        world, client_for):
    give_temp_password(world, client_for, world.contact_a)
    client = Client()

    log_in_with_link(client, emailed_token(world.contact_a.email))

    assert client.get(SWITCHER)["Location"] == SET_PASSWORD


# -- login methods per Site ----------------------------------------------------------------


def test_password_login_refused_when_the_firm_does_not_allow_passwords(world):
    set_firm(world, allow_password=False)
    client = Client()

    response = password_login(client, world.contact_a.email, PASSWORD)

    assert response.status_code == 400
    assert b"Passwords are not used on this portal." in response.content
    assert session_user_id(client) is None
    login_page = client.get(LOGIN)
    assert b'value="password"' not in login_page.content
    assert b'value="magic"' in login_page.content


def test_magic_links_refused_when_the_firm_does_not_allow_them(world):
    set_firm(world, allow_magic_link=False)

    response = ask_for_link(Client(), world.contact_a.email)

    assert response.status_code == 400
    assert b"Magic links are not used on this portal." in response.content
    assert mail.outbox == []
    login_page = Client().get(LOGIN)
    assert b'value="magic"' not in login_page.content
    assert b'value="password"' in login_page.content


def test_existing_links_stop_working_when_magic_links_are_switched_off(world):
    token = emailed_token(world.contact_a.email)
    opened = Client()
    open_link(opened, token)

    set_firm(world, allow_magic_link=False)

    fresh = Client()
    response = open_link(fresh, token)
    assert response.status_code == 400
    assert INVALID_LINK_TEXT.encode() in response.content
    assert opened.post(CONFIRM).status_code == 400
    assert session_user_id(opened) is None
    assert session_user_id(fresh) is None


# -- audit log -----------------------------------------------------------------------------


def login_entries(user):
    return ModelLogEntry.objects.for_instance(user).filter(action="portal.login")


def test_a_magic_link_login_is_written_to_the_audit_log(world):
    assert not login_entries(world.contact_a).exists()

    log_in_with_link(Client(), emailed_token(world.contact_a.email))

    entry = login_entries(world.contact_a).get()
    assert entry.user_id == world.contact_a.pk
    assert entry.data.get("method") == "magic link"


def test_a_password_login_is_written_to_the_audit_log(world):
    password_login(Client(), world.contact_a.email, PASSWORD)

    entry = login_entries(world.contact_a).get()
    assert entry.user_id == world.contact_a.pk
    assert entry.data.get("method") == "password"


def test_failed_and_refused_logins_are_not_logged_as_logins(world):
    password_login(Client(), world.contact_a.email, "wrong-password")
    token = emailed_token(world.contact_a.email)
    open_link(Client(), token)
    Client().get(CONFIRM)

    assert not login_entries(world.contact_a).exists()


# -- client address behind proxies ------------------------------------------------------


def test_client_address_is_read_past_trusted_proxies_only(rf, settings):
    from workspaces.ratelimit import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
                     REMOTE_ADDR="10.0.0.2")
    settings.PORTAL_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.PORTAL_PROXY_COUNT = 1
    # The left entry was made up by the client; the one nginx appended is the real address.
    assert client_ip(request) == "203.0.113.9"


def test_each_login_label_points_at_its_own_field(world):
    html = Client().get("/login/").content.decode()
    assert html.count('id="id_email"') == 1
    assert html.count('id="id_pw_email"') == 1
    assert 'for="id_pw_email"' in html and 'for="id_pw_password"' in html


def test_switching_access_off_anywhere_ends_sessions(world):
    """Not only the portal's contacts screen: any save that switches access off."""
    client = force_portal_login(Client(), world.contact_a)
    assert client.get(world.ws_a.url).status_code == 200
    world.contact_a.portal_access = False
    world.contact_a.save()
    assert client.get(world.ws_a.url)["Location"].startswith("/login/")
