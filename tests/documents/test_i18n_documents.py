"""Files, versions and approvals in French, for a contact whose language is French.

The catalogue itself (complete, nothing fuzzy, placeholders kept, .mo compiled) is checked in
tests/workspaces/test_i18n.py; these tests check that the new screens really use it.
"""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from documents import approvals

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_default_language():
    # The middleware activates the contact's language on the test's thread.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def french(docs):
    docs.contact_a.language = "fr"
    docs.contact_a.save()
    return docs


def _get(client, name, w, *args, namespace="documents"):
    response = client.get(reverse(f"{namespace}:{name}", args=[w.ws_a.slug, *args]))
    assert response.status_code == 200
    return response.content.decode()


def test_files_pages_in_french(french, client_for):
    w = french
    client = client_for(w.contact_a)

    root = _get(client, "folder_root", w)
    assert '<html lang="fr">' in root
    assert ">Fichiers<" in root  # menu entry and heading
    assert "Dossiers" in root
    assert "Mis à jour récemment" in root
    assert "Rechercher des fichiers par nom" in root

    folder = _get(client, "folder", w, w.folder_a.pk)
    assert "Glissez-déposez des fichiers ici" in folder
    assert "Télécharger au format ZIP" in folder
    assert "Nouveau dossier" in folder
    assert "Drag and drop files here" not in folder

    file_page = _get(client, "file", w, w.file_a.pk)
    assert "Toutes les versions de ce fichier" in file_page
    assert "Déposé par" in file_page
    assert "Version 2" in file_page and "Actuelle" in file_page
    assert "Every version of this file" not in file_page


def test_approval_page_in_french(french, client_for):
    w = french
    client = client_for(w.contact_a)

    queue = _get(client, "queue", w, namespace="approvals")
    assert "En attente de votre décision" in queue

    detail = _get(client, "detail", w, w.approval_a.pk, namespace="approvals")
    assert "Votre décision" in detail
    assert "Valider cette version" in detail
    assert "Demander des modifications" in detail
    assert "Do you approve version" not in detail


def test_approval_request_email_in_the_contacts_language(
        french, django_capture_on_commit_callbacks):
    w = french
    with django_capture_on_commit_callbacks(execute=True):
        approvals.request_approval(w.image_a, [w.contact_a], "", None, w.staff)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # approvals.py folds the subject's whitespace (no-break spaces included) into spaces.
    assert " ".join(message.subject.split()) == "Votre validation est demandée : « chart.png »"
    assert "Bonjour Ann," in message.body
    assert "vous demande de valider «\u00a0chart.png\u00a0»" in message.body
