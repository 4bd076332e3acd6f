"""Password lockout protects accounts, not addresses (django-axes, workspaces/lockout.py).

Per account from any address (AXES_FAILURE_LIMIT), cleared by a magic-link sign-in; per
account and address (PORTAL_PAIR_FAILURE_LIMIT), which a link does not clear; never a whole
address for other accounts. The admin's login shows its own page when locked.
"""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
ADMIN_LOGIN = "/admin/login/"
LOCKED = "Too many failed attempts for this account."
LINK_RE = re.compile(r"http://testserver/login/link/\?token=([A-Za-z0-9_-]+)")


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.PORTAL_PAIR_FAILURE_LIMIT = 5


def from_address(address):
    return Client(REMOTE_ADDR=address)


def password_login(client, email, password):
    return client.post(LOGIN, {"method": "password", "email": email, "password": password})


def admin_login(client, email, password):
    return client.post(ADMIN_LOGIN, {"username": email, "password": password})


def signed_in(client):
    return client.session.get("_auth_user_id")


def sign_in_with_link(client, email):
    mail.outbox.clear()
    client.post(LOGIN, {"method": "magic", "email": email})
    token = LINK_RE.search(mail.outbox[-1].body).group(1)
    assert client.get("/login/link/", {"token": token})["Location"] == "/login/link/confirm/"
    return client.post("/login/link/confirm/")


def test_failures_are_counted_against_the_account_typed(world):
    password_login(from_address("198.51.100.1"), "Ann@Alpha.test", "wrong-password")

    attempt = AccessAttempt.objects.get()
    assert attempt.username == "ann@alpha.test"
    assert attempt.failures_since_start == 1


def test_failures_from_several_addresses_lock_the_account(world):
    for number in range(1, 3):
        response = password_login(from_address(f"198.51.100.{number}"), world.contact_a.email,
                                  "wrong-password")
        assert response.status_code == 400
    third = password_login(from_address("198.51.100.3"), world.contact_a.email, "wrong-password")
    assert third.status_code == 429

    elsewhere = from_address("203.0.113.50")
    response = password_login(elsewhere, world.contact_a.email, PASSWORD)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "you can still ask for a magic link" in response.content.decode()
    assert signed_in(elsewhere) is None


def test_a_locked_account_does_not_lock_its_address_for_other_accounts(world):
    office = "192.0.2.10"
    for _ in range(3):
        password_login(from_address(office), world.contact_a.email, "wrong-password")
    # Nor do failures for addresses that are nobody's.
    for number in range(3):
        password_login(from_address(office), f"nobody{number}@unknown.test", "wrong-password")

    colleague = from_address(office)
    response = password_login(colleague, world.contact_a2.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in(colleague) == str(world.contact_a2.pk)
    staff = from_address(office)
    assert admin_login(staff, world.staff.email, PASSWORD).status_code == 302
    assert signed_in(staff) == str(world.staff.pk)


def test_a_magic_link_gets_through_the_lock_and_clears_it(world):
    for number in range(3):
        password_login(from_address(f"198.51.100.{number}"), world.contact_a.email, "wrong")
    owner = from_address("203.0.113.7")
    assert password_login(owner, world.contact_a.email, PASSWORD).status_code == 429

    response = sign_in_with_link(owner, world.contact_a.email)

    assert response["Location"] == "/workspaces/"
    assert signed_in(owner) == str(world.contact_a.pk)
    later = from_address("203.0.113.8")
    assert password_login(later, world.contact_a.email, PASSWORD).status_code == 302


def test_the_pair_lock_survives_the_owners_magic_link(world):
    attacker = "198.51.100.66"
    for _ in range(3):
        password_login(from_address(attacker), world.contact_a.email, "guess")
    sign_in_with_link(from_address("203.0.113.7"), world.contact_a.email)  # the owner unlocks
    fourth = password_login(from_address(attacker), world.contact_a.email, "guess")
    assert fourth.status_code == 400

    fifth = password_login(from_address(attacker), world.contact_a.email, "guess")
    assert fifth.status_code == 429

    # The owner signs in with a link again: the attacker's address stays locked for this
    # account, even with the right password, while the owner's own address is not.
    sign_in_with_link(from_address("203.0.113.7"), world.contact_a.email)
    still = from_address(attacker)
    response = password_login(still, world.contact_a.email, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert signed_in(still) is None
    owner = from_address("203.0.113.7")
    assert password_login(owner, world.contact_a.email, PASSWORD).status_code == 302


def test_a_locked_staff_member_sees_the_admins_own_login_page(world):
    for number in range(3):
        admin_login(from_address(f"198.51.100.{number}"), world.staff.email, "wrong-password")

    client = from_address("203.0.113.9")
    response = admin_login(client, world.staff.email, PASSWORD)

    html = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in html
    assert 'name="username"' in html and "wagtailadmin" in html
    assert "Ask for a link" not in html and 'value="magic"' not in html
    assert signed_in(client) is None
    # Other staff behind the same address still sign in.
    other = from_address("203.0.113.9")
    assert admin_login(other, world.admin.email, PASSWORD).status_code == 302
