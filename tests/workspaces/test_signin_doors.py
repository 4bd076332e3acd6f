"""Every door into the product applies the portal's rules: the admin's login and password
reset are for staff only, a contact's session is judged by the portal on every request, the
password page asks for the current password, and the middleware's own answers carry the same
security headers as the views."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import PASSWORD
from tests.portal_login import force_portal_login

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
RESET = "/admin/password_reset/"
RESET_DONE = "/admin/password_reset/done/"
ACCOUNT = "/account/"
SWITCHER = "/workspaces/"
SET_PASSWORD = "/account/password/"
ADMIN_WRONG = "Your email address and password didn&#x27;t match. Please try again."


def admin_login(client, email, password, **extra):
    return client.post(ADMIN_LOGIN, {"username": email, "password": password}, **extra)


def portal_password_login(client, email, password):
    return client.post("/login/", {"method": "password", "email": email, "password": password})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def assert_signed_out_of_the_portal(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert signed_in_user_id(client) is None


def set_firm(world, **fields):
    for name, value in fields.items():
        setattr(world.firm, name, value)
    world.firm.save()


# -- the admin's login: staff only ---------------------------------------------------------


@pytest.mark.parametrize("case", ["contact", "revoked contact", "passwords off"])
def test_the_admin_login_refuses_contacts_like_a_wrong_password(world, case):
    contact = world.revoked if case == "revoked contact" else world.contact_a
    if case == "passwords off":
        set_firm(world, allow_password=False)
    client = Client()

    response = admin_login(client, contact.email, PASSWORD)
    wrong = admin_login(Client(), contact.email, "not-the-password")

    assert response.status_code == 200
    assert ADMIN_WRONG in response.content.decode()
    assert response.content.decode().count(ADMIN_WRONG) == wrong.content.decode().count(
        ADMIN_WRONG)
    assert signed_in_user_id(client) is None
    assert client.get(SWITCHER)["Location"].startswith("/login/")
    assert_signed_out_of_the_portal(client)


def test_staff_sign_in_at_the_admin_login(world):
    client = Client()

    response = admin_login(client, world.staff.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in_user_id(client) == str(world.staff.pk)
    assert client.get("/admin/").status_code == 200


def test_the_admin_refuses_a_contacts_session(world, client_for):
    contact = client_for(world.contact_a)

    response = contact.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    # Its login page does not wave the contact through either.
    assert contact.get(ADMIN_LOGIN).status_code == 200


# -- a contact's session is judged by the portal's rules on every request ----------------------


def test_a_contacts_session_that_no_portal_login_made_is_ended(world):
    """Any other door (a session made by some other view) is closed at the next request."""
    client = Client()
    client.force_login(world.contact_a, backend="django.contrib.auth.backends.ModelBackend")

    assert_signed_out_of_the_portal(client)
    assert client.get(world.ws_a.url)["Location"].startswith("/login/")


def test_a_staff_session_from_the_admin_login_is_kept_in_the_portal(world):
    client = Client()
    admin_login(client, world.staff.email, PASSWORD)

    assert client.get(ACCOUNT).status_code == 200
    assert signed_in_user_id(client) == str(world.staff.pk)


def test_password_sessions_end_when_the_firm_switches_passwords_off(world):
    by_password = Client()
    portal_password_login(by_password, world.contact_a.email, PASSWORD)
    assert by_password.get(ACCOUNT).status_code == 200
    by_link = force_portal_login(Client(), world.contact_a2, method="magic link")

    set_firm(world, allow_password=False)

    assert_signed_out_of_the_portal(by_password)
    assert by_link.get(ACCOUNT).status_code == 200


def test_link_sessions_end_when_the_firm_switches_links_off(world):
    by_link = force_portal_login(Client(), world.contact_a, method="magic link")
    by_password = Client()
    portal_password_login(by_password, world.contact_a2.email, PASSWORD)

    set_firm(world, allow_magic_link=False)

    assert_signed_out_of_the_portal(by_link)
    assert by_password.get(ACCOUNT).status_code == 200


def test_a_deactivated_contacts_session_is_ended(world, client_for):
    client = client_for(world.contact_a)
    assert client.get(ACCOUNT).status_code == 200

    world.contact_a.is_active = False
    world.contact_a.save()

    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert client.get(world.ws_a.url)["Location"].startswith("/login/")


# -- the admin's password reset: staff only, rate limited, the same answer ---------------------


def ask_for_reset(email, client=None):
    return (client or Client()).post(RESET, {"email": email})


@pytest.mark.parametrize("email", ["ann@alpha.test", "rex@alpha.test", "nobody@unknown.test"],
                         ids=["contact", "revoked", "unknown"])
def test_only_staff_get_a_reset_email_and_everybody_the_same_page(world, email):
    staff = ask_for_reset(world.staff.email)
    assert [m.to for m in mail.outbox] == [[world.staff.email]]
    assert "/admin/password_reset/confirm/" in mail.outbox[0].body
    mail.outbox.clear()

    response = ask_for_reset(email)

    assert response.status_code == staff.status_code == 302
    assert response["Location"] == staff["Location"] == RESET_DONE
    assert mail.outbox == []


def test_the_sixth_reset_request_for_one_address_is_refused(world):
    for _ in range(5):
        assert ask_for_reset(world.staff.email)["Location"] == RESET_DONE
    assert len(mail.outbox) == 5

    response = ask_for_reset(world.staff.email)

    assert response.status_code == 429
    assert "Too many reset requests. Wait a few minutes and try again." in \
        response.content.decode()
    assert len(mail.outbox) == 5
    # Unknown addresses are counted the same way, so the limit tells nothing.
    for _ in range(5):
        ask_for_reset("nobody@unknown.test")
    assert ask_for_reset("nobody@unknown.test").status_code == 429


def reset_link_for(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/admin/password_reset/confirm/{uid}/{default_token_generator.make_token(user)}/"


@pytest.mark.parametrize("persona", ["revoked", "contact_a"])
def test_a_reset_link_never_sets_a_contacts_password(world, persona):
    """Even with a valid token (made before this change, or by hand)."""
    contact = getattr(world, persona)
    client = Client()
    link = reset_link_for(contact)
    page = client.get(link, follow=True)
    assert page.redirect_chain == []
    assert "Invalid password reset link" in page.content.decode()
    new = "a-fresh-passphrase-42"

    response = client.post(link, {"new_password1": new, "new_password2": new})

    contact.refresh_from_db()
    assert contact.check_password(PASSWORD)
    assert not contact.check_password(new)
    assert "/admin/password_reset/complete/" not in response.get("Location", "")
    assert portal_password_login(Client(), contact.email, new).status_code == 400


def test_a_staff_reset_link_still_sets_the_password(world):
    client = Client()
    page = client.get(reset_link_for(world.staff), follow=True)
    new = "a-fresh-passphrase-42"

    response = client.post(page.redirect_chain[-1][0],
                           {"new_password1": new, "new_password2": new})

    assert response.status_code == 302
    assert response["Location"] == "/admin/password_reset/complete/"
    world.staff.refresh_from_db()
    assert world.staff.check_password(new)


# -- the password page ---------------------------------------------------------------------


def change_password(client, new, current=None, prefix=""):
    data = {f"{prefix}new_password1": new, f"{prefix}new_password2": new}
    if current is not None:
        data[f"{prefix}current_password"] = current
    if prefix:
        data["form"] = "password"
    return client.post(ACCOUNT if prefix else SET_PASSWORD, data)


@pytest.mark.parametrize("prefix", ["", "password-"], ids=["password page", "profile"])
def test_changing_the_password_asks_for_the_current_one(world, client_for, prefix):
    client = client_for(world.contact_a)
    new = "a-fresh-passphrase-42"

    missing = change_password(client, new, prefix=prefix)
    wrong = change_password(client, new, current="not-my-password", prefix=prefix)

    assert missing.status_code == wrong.status_code == 400
    assert "That is not your current password." in wrong.content.decode()
    world.contact_a.refresh_from_db()
    assert world.contact_a.check_password(PASSWORD)

    right = change_password(client, new, current=PASSWORD, prefix=prefix)

    assert right.status_code == 302
    world.contact_a.refresh_from_db()
    assert world.contact_a.check_password(new)
    assert client.get(ACCOUNT).status_code == 200


def test_guessing_the_current_password_on_the_page_is_limited(world, client_for):
    client = client_for(world.contact_a)
    for attempt in range(5):
        change_password(client, "a-fresh-passphrase-42", current=f"guess-{attempt}")

    response = change_password(client, "a-fresh-passphrase-42", current=PASSWORD)

    assert response.status_code == 400
    assert "Too many wrong passwords." in response.content.decode()
    world.contact_a.refresh_from_db()
    assert world.contact_a.check_password(PASSWORD)


def give_temporary_password(user, temporary="temp-Passw0rd-123"):
    user.set_password(temporary)
    user.must_change_password = True
    user.save()
    return temporary


def test_the_forced_change_refuses_the_temporary_password_and_asks_no_current_one(world):
    temporary = give_temporary_password(world.contact_a)
    client = Client()
    portal_password_login(client, world.contact_a.email, temporary)
    page = client.get(SET_PASSWORD).content.decode()
    assert "current_password" not in page

    kept = change_password(client, temporary)

    assert kept.status_code == 400
    assert "Choose a password different from the temporary one." in kept.content.decode()
    world.contact_a.refresh_from_db()
    assert world.contact_a.must_change_password is True
    assert client.get(SWITCHER)["Location"] == SET_PASSWORD

    fresh = change_password(client, "a-fresh-passphrase-42")

    assert fresh.status_code == 302
    world.contact_a.refresh_from_db()
    assert world.contact_a.must_change_password is False


# -- the middleware's own answers carry the views' security headers ----------------------------


def test_the_preview_refusal_page_cannot_be_framed(world, client_for):
    staff = client_for(world.admin)
    session = staff.session
    session["portal_preview"] = {"contact": world.contact_a.pk, "workspace": world.ws_a.pk}
    session.save()

    response = staff.post(world.ws_a.url, {})

    assert response.status_code == 403
    assert "Preview is read only" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_forced_password_redirect_cannot_be_framed(world):
    temporary = give_temporary_password(world.contact_a)
    client = Client()
    portal_password_login(client, world.contact_a.email, temporary)

    response = client.get(SWITCHER)

    assert response["Location"] == SET_PASSWORD
    assert response["X-Frame-Options"] == "DENY"


def test_views_and_middleware_answers_carry_the_same_headers(world, client_for):
    client = client_for(world.contact_a)
    view = client.get(ACCOUNT)
    temporary = give_temporary_password(world.contact_a2)
    forced = Client()
    portal_password_login(forced, world.contact_a2.email, temporary)
    middleware = forced.get(ACCOUNT)

    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert middleware.get(header) == view.get(header), header
        assert re.match(r"\S+", view.get(header, "")), header
