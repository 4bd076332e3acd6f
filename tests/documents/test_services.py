"""Services: versions keep the file's kind, folders inherit grants, moves stay in the tree."""

import pytest
from django.core.exceptions import ValidationError

from documents import services
from documents.models import Folder
from workspaces import access

from ..samples import pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def test_a_new_version_must_be_the_same_kind_of_file(docs):
    w = docs
    before = list(w.file_a.versions.values_list("number", "sha256"))
    with pytest.raises(ValidationError) as caught:
        services.add_version(w.file_a, png_upload("salaries.png"), user=w.staff)
    message = caught.value.messages[0]
    assert "salaries.pdf" in message and "PNG" in message
    assert list(w.file_a.versions.values_list("number", "sha256")) == before


def test_a_new_folder_takes_its_parents_grants(docs):
    w = docs
    child = services.create_folder(w.ws_a, "Q1", parent=w.folder_a, user=w.staff)
    assert services.folder_grants(child) == services.folder_grants(w.folder_a)
    names = set(access.visible(w.contact_a, w.ws_a, Folder.objects.all())
                .values_list("name", flat=True))
    assert "Q1" in names
    assert not access.visible(w.contact_a2, w.ws_a, Folder.objects.filter(pk=child.pk)).exists()


def test_folders_inside_a_staff_only_folder_are_staff_only(docs):
    w = docs
    inner = services.create_folder(w.ws_a, "Drafts", parent=w.folder_a_staff, user=w.staff,
                                   grants={"view": {"everyone": True}})
    assert inner.staff_only
    assert not access.visible(w.contact_a, w.ws_a, Folder.objects.filter(pk=inner.pk)).exists()
    # Marking a folder staff only hides everything below it.
    w.folder_a.staff_only = True
    w.folder_a.save()
    w.folder_a_sub.refresh_from_db()
    assert w.folder_a_sub.staff_only


def test_moving_a_folder_reroots_its_subtree_and_refuses_cycles(docs):
    w = docs
    services.move_folder(w.folder_a, w.folder_a_shared)
    w.folder_a_sub.refresh_from_db()
    assert w.folder_a_sub.path == f"{w.folder_a_shared.path}{w.folder_a.pk}/{w.folder_a_sub.pk}/"
    with pytest.raises(ValidationError):
        services.move_folder(w.folder_a_shared, w.folder_a_sub)


def test_same_name_never_overwrites(docs):
    w = docs
    first = services.add_file(w.folder_a_shared, pdf_upload("Minutes.pdf"), user=w.staff)
    second = services.add_file(w.folder_a_shared, pdf_upload("minutes.pdf"), user=w.staff)
    assert (first.name, second.name) == ("Minutes.pdf", "minutes (2).pdf")
    assert first.current_version.blob.name != second.current_version.blob.name
