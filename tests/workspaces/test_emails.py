"""The one branded sender every email of the portal goes through."""

import pytest
from django.core import mail
from wagtail.models import Site

from tests.factories import ContactFactory
from workspaces.emails import send_branded, send_magic_link
from workspaces.models import FirmSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm():
    site = Site.objects.get(is_default_site=True)
    firm = FirmSettings.for_site(site)
    firm.platform_name = "Smith & Jones <Portal>"
    firm.email_sender_name = "Smith & Jones"
    firm.email_sender_address = "portal@smith.example"
    firm.footer_text = "Smith & Jones LLP, 1 High Street"
    firm.save()
    return firm


def test_a_branded_email_has_the_sites_sender_both_parts_and_the_footer(firm):
    contact = ContactFactory(email="ann@client.example", first_name="Ann")
    send_magic_link.call(contact.pk, firm.site_id, "invite", "Acme & Co")

    (message,) = mail.outbox
    assert message.to == ["ann@client.example"]
    assert message.from_email == firm.from_email
    assert "portal@smith.example" in message.from_email
    # The subject is plain text: no HTML escaping of the firm's name.
    assert message.subject == "You are invited to Smith & Jones <Portal>"
    assert "Hello Ann," in message.body
    assert "invited to the workspace “Acme & Co” on Smith & Jones <Portal>" in message.body
    assert message.body.rstrip().endswith("--\nSmith & Jones LLP, 1 High Street")
    assert "&amp;" not in message.body
    (html, mimetype), = message.alternatives
    assert mimetype == "text/html"
    assert "<h1" in html and "Smith &amp; Jones &lt;Portal&gt;" in html
    assert 'lang="en"' in html
    assert "Smith &amp; Jones LLP, 1 High Street" in html
    assert "/login/link/?token=" in html


def test_the_recipients_language_else_the_portals_default(firm):
    french = ContactFactory(first_name="Anne", language="fr")
    unset = ContactFactory(first_name="Bob", language="")
    send_branded(french, "emails/magic_link", {"link": "https://x.example/l", "days": 3,
                                                "reason": "login"}, firm)
    send_branded(unset, "emails/magic_link", {"link": "https://x.example/l", "days": 3,
                                               "reason": "login"}, firm)
    to_french, to_unset = mail.outbox
    assert to_french.body.startswith("Bonjour Anne,")
    assert 'lang="fr"' in to_french.alternatives[0][0]
    assert to_unset.body.startswith("Hello Bob,")


def test_values_formatted_in_the_recipients_language(firm):
    import datetime

    from django.utils import formats

    french = ContactFactory(first_name="Anne", language="fr")
    send_branded(french, "emails/magic_link", lambda: {
        "link": formats.date_format(datetime.date(2026, 3, 1), "DATE_FORMAT"),
        "days": 1, "reason": "login"}, firm)
    assert "1 mars 2026" in mail.outbox[0].body
