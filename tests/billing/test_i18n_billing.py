"""Billing in French, for a contact whose language is French.

The catalogue itself (complete, nothing fuzzy, placeholders kept, .mo compiled) is checked in
tests/workspaces/test_i18n.py; these tests check that the billing screens and the invoice
email really use it. The world is `tests.conftest.build_billing` (the `bills` fixture).
"""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from billing import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_default_language():
    # The middleware activates the contact's language on the test's thread.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def french(bills):
    bills.contact_a.language = "fr"
    bills.contact_a.save()
    return bills


def _get(client, name, *args):
    response = client.get(reverse(f"billing:{name}", args=["alpha", *args]))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_invoice_list_in_french(french, client_for):
    html = _get(client_for(french.contact_a), "invoices")

    assert '<html lang="fr">' in html
    assert ">Facturation<" in html  # menu entry and heading
    assert "Relevé de compte" in html
    assert "Vous devez" in html
    assert "Échéance" in html and "Solde" in html
    assert "INV-T-0001" in html
    assert "Statement of account" not in html
    assert "You owe" not in html


def test_invoice_page_in_french(french, client_for):
    html = _get(client_for(french.contact_a), "invoice", french.invoice_a.pk)

    assert "Facture INV-T-0001" in html
    assert "Télécharger le PDF" in html
    assert "Facturer à" in html
    assert "Date d’émission" in html and "Date d’échéance" in html
    assert "Prix unitaire" in html and "Quantité" in html
    assert "Récapitulatif des taxes" in html
    assert "Reste à payer" in html
    assert "Règlements reçus" in html
    assert "Unit price" not in html
    assert "Balance due" not in html


def test_statement_page_in_french(french, client_for):
    html = _get(client_for(french.contact_a), "statement")

    assert "<h1>Relevé de compte</h1>" in html
    assert "Solde initial" in html and "Solde final" in html
    assert "Opening balance" not in html


def test_invoice_email_in_the_contacts_language(french, django_capture_on_commit_callbacks):
    w = french
    with django_capture_on_commit_callbacks(execute=True):
        services.issue(w.draft_a, w.staff)

    messages = [m for m in mail.outbox if w.contact_a.email in m.to]
    assert len(messages) == 1
    message = messages[0]
    number = w.draft_a.number
    assert message.subject.startswith(f"Facture {number} pour ")
    assert "Bonjour Ann," in message.body
    assert f"La facture {number} a été émise" in message.body
    assert "Échéance\u00a0:" in message.body
