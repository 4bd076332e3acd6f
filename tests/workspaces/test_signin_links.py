"""Magic links: one link signs in once even when confirmed concurrently, and asking for a link
does the same work in the request whatever the address (the worker looks it up)."""

import re
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks import task_backends
from wagtail.models import Locale, ModelLogEntry, Page, Site

from workspaces.emails import send_login_link

LOGIN = "/login/"
CONFIRM = "/login/link/confirm/"
LINK_RE = re.compile(r"http://testserver/login/link/\?token=([A-Za-z0-9_-]+)")
THREADS = 8


def emailed_token(email):
    mail.outbox.clear()
    Client().post(LOGIN, {"method": "magic", "email": email})
    return LINK_RE.search(mail.outbox[-1].body).group(1)


def _migrations_baseline():
    """Transactional tests flush the tables: put back what migrations made (Locale, root page,
    default Site) when an earlier one removed it. (Not serialized_rollback: after another
    transactional test's flush has re-created the content types, reloading the serialized
    rows clashes with them.)"""
    if not Locale.objects.exists():
        Locale.objects.create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(
        title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)))
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(hostname="localhost", port=80, root_page=root, is_default_site=True)


@pytest.fixture
def committed_world(transactional_db):
    from django.core.cache import cache

    from tests.conftest import build_world

    _migrations_baseline()
    world = build_world()
    cache.clear()
    return world


def test_eight_concurrent_confirms_of_one_link_sign_in_exactly_once(committed_world):
    w = committed_world
    token = emailed_token(w.contact_a.email)
    clients = []
    for _ in range(THREADS):
        client = Client()
        assert client.get("/login/link/", {"token": token})["Location"] == CONFIRM
        clients.append(client)
    barrier = threading.Barrier(THREADS)
    responses = [None] * THREADS

    def confirm(index):
        try:
            barrier.wait(timeout=30)
            responses[index] = clients[index].post(CONFIRM)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    signed_in = [c for c in clients if c.session.get("_auth_user_id") == str(w.contact_a.pk)]
    winners = [r for r in responses if r is not None and r.status_code == 302]
    losers = [r for r in responses if r is not None and r.status_code == 400]
    assert len(signed_in) == 1
    assert len(winners) == 1 and winners[0]["Location"] == "/workspaces/"
    assert len(losers) == THREADS - 1
    assert all(b"This link no longer works" in r.content for r in losers)
    entries = ModelLogEntry.objects.for_instance(w.contact_a).filter(action="portal.login")
    assert entries.count() == 1


def _shape(sql):
    """The statement with its literal values taken out."""
    return re.sub(r"'(?:[^']|'')*'|\b\d+\b", "?", sql)


@pytest.mark.django_db
def test_asking_for_a_link_does_the_same_work_for_known_and_unknown_addresses(world,
                                                                              settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    Client().post(LOGIN, {"method": "magic", "email": "warm-up@unknown.test"})
    backend.clear()

    work = {}
    for label, email in (("known", world.contact_a.email), ("unknown", "nobody@unknown.test")):
        with CaptureQueriesContext(connection) as queries:
            response = Client().post(LOGIN, {"method": "magic", "email": email})
        assert response["Location"] == "/login/sent/"
        work[label] = ([_shape(q["sql"]) for q in queries.captured_queries],
                       [(r.task.name, list(r.args)) for r in backend.results])
        backend.clear()

    assert work["known"][0] == work["unknown"][0]
    assert work["known"][1] == [("send_login_link", [world.contact_a.email, world.site.pk])]
    assert work["unknown"][1] == [("send_login_link", ["nobody@unknown.test", world.site.pk])]
    assert mail.outbox == []  # nothing was built or sent in the request

    # The worker then sends to the contact, and to nobody for the unknown address.
    send_login_link.call(world.contact_a.email, world.site.pk)
    send_login_link.call("nobody@unknown.test", world.site.pk)
    assert [m.to for m in mail.outbox] == [[world.contact_a.email]]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["staff", "revoked"])
def test_the_worker_sends_no_link_to_staff_or_revoked_contacts(world, persona):
    send_login_link.call(getattr(world, persona).email, world.site.pk)

    assert mail.outbox == []
