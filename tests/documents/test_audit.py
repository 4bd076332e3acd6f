"""What contacts do to files in the portal is in the firm's history, by name."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from documents.models import File

from ..samples import pdf_upload

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest", "HTTP_ACCEPT": "application/json"}


def test_contact_upload_rename_and_trash_are_logged(docs, client_for):
    w = docs
    client = client_for(w.contact_a)
    url = reverse("documents:upload", args=[w.ws_a.slug, w.folder_a.pk])
    assert client.post(url, {"file": pdf_upload("Board pack.pdf")}, **XHR).status_code == 200
    file = File.objects.get(folder=w.folder_a, name="Board pack.pdf")
    client.post(reverse("documents:file_rename", args=[w.ws_a.slug, file.pk]),
                {"name": "Board pack final.pdf"})
    client.post(reverse("documents:file_delete", args=[w.ws_a.slug, file.pk]))
    entries = ModelLogEntry.objects.filter(object_id=str(file.pk), user=w.contact_a)
    assert set(entries.values_list("action", flat=True)) == {
        "documents.upload", "documents.rename", "documents.trash"}
    file.refresh_from_db()
    assert file.in_trash and file.name == "Board pack final.pdf"
