"""`manage.py purge_orphan_blobs`: blobs that no row references and that are older than a day
are deleted from the private storage, locally and on S3; referenced blobs (file versions,
thumbnails, billing reports) and young ones stay.

Each test gets a private storage of its own (an empty folder or bucket), so that blobs left by
other tests cannot change the counts. Every file field stored in the private storage is
pointed at it, found the same generic way the command finds them.
"""

import io
import os
import time
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import override_settings

from documents import services
from tests.conftest import build_billing
from tests.samples import pdf_upload, png_bytes
from workspaces.management.commands.purge_orphan_blobs import file_fields, same_storage

pytestmark = pytest.mark.django_db

DAY = 24 * 3600
BUCKET = "portal-orphans-test"


def _use_private(settings_storages, monkeypatch):
    """Override the storages with `settings_storages` and point every file field kept in the
    private storage at the new one (fields resolve their storage once, at import). Returns
    the new private storage; the override ends with the test."""
    before = storages["private"]
    override = override_settings(STORAGES=settings_storages)
    override.enable()
    storage = storages["private"]
    for model in apps.get_models():
        for field in model._meta.local_concrete_fields:
            if isinstance(field, models.FileField) and same_storage(field.storage, before):
                monkeypatch.setattr(field, "storage", storage)
    return storage, override


def _storages(private, default=None):
    return {
        "default": default or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "private": private,
    }


@pytest.fixture
def local(tmp_path, monkeypatch):
    """An empty private folder of the test's own."""
    root = tmp_path / "private"
    root.mkdir()
    storage, override = _use_private(_storages({
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "base_url": "/-private-/"}}), monkeypatch)
    yield storage
    override.disable()


def _age(storage, name, days=2):
    old = time.time() - days * DAY
    os.utime(storage.path(name), (old, old))


def _run(*args):
    out = io.StringIO()
    call_command("purge_orphan_blobs", *args, stdout=out)
    return out.getvalue()


def test_the_scan_covers_versions_thumbnails_and_reports():
    found = {(model._meta.label, name) for model, names in file_fields(storages["private"])
             for name in names}
    assert {("documents.FileVersion", "blob"), ("documents.FileVersion", "thumbnail"),
            ("billing.Report", "pdf")} <= found
    # Public media (CMS images, logos) is another storage: never scanned, never listed.
    assert ("wagtailimages.Image", "file") not in found


def test_only_old_unreferenced_blobs_go_locally(local, world):
    from tests.conftest import build_documents

    w = build_billing(build_documents(world))
    version = w.file_a.current_version
    version.thumbnail.save("thumb.png", ContentFile(png_bytes()), save=True)
    referenced = [v.blob.name for v in w.file_a.versions.all()] + [
        version.thumbnail.name, w.report_a.pdf.name, w.file_b.current_version.blob.name]
    old_orphan = local.save("ws1/deep/down/half-way.pdf", ContentFile(b"%PDF-1.4 lost"))
    new_orphan = local.save("ws1/in-flight.pdf", ContentFile(b"%PDF-1.4 uploading"))
    for name in referenced + [old_orphan]:
        _age(local, name)

    text = _run("--dry-run")
    assert f"Would delete orphan blob {old_orphan}" in text
    assert "Dry run: 1 orphan blob(s) older than 24 hours; nothing deleted." in text
    assert local.exists(old_orphan)

    text = _run()
    assert f"Deleted orphan blob {old_orphan}" in text
    assert "Deleted 1 orphan blob(s) older than 24 hours." in text
    assert not local.exists(old_orphan)
    assert local.exists(new_orphan)
    assert all(local.exists(name) for name in referenced)
    # The files still download whole.
    assert w.file_a.current_version.blob.open("rb").read().startswith(b"%PDF")

    # The young one goes once it is old enough for the given limit.
    _age(local, new_orphan, days=0.5)
    assert "Deleted 0 orphan blob(s)" in _run()
    assert "Deleted 1 orphan blob(s) older than 6 hours." in _run("--older-than-hours", "6")
    assert not local.exists(new_orphan)


def test_purge_trash_runs_it(local, world):
    from tests.conftest import build_documents

    w = build_documents(world)
    orphan = local.save("ws1/orphan.pdf", ContentFile(b"%PDF-1.4 lost"))
    _age(local, orphan)
    out = io.StringIO()
    call_command("purge_trash", "--dry-run", stdout=out)
    assert f"Would delete orphan blob {orphan}" in out.getvalue()
    assert local.exists(orphan)
    out = io.StringIO()
    call_command("purge_trash", stdout=out)
    assert "Purged 0 folder(s)" in out.getvalue()
    assert f"Deleted orphan blob {orphan}" in out.getvalue()
    assert not local.exists(orphan)
    assert w.file_a.current_version.blob.storage.exists(w.file_a.current_version.blob.name)


def test_another_storage_inside_the_private_one_is_left_alone(tmp_path):
    root = tmp_path / "private"
    (root / "media").mkdir(parents=True)
    private = {"BACKEND": "django.core.files.storage.FileSystemStorage",
               "OPTIONS": {"location": str(root)}}
    media = {"BACKEND": "django.core.files.storage.FileSystemStorage",
             "OPTIONS": {"location": str(root / "media")}}
    with override_settings(STORAGES=_storages(private, media)):
        public = storages["default"].save("logo.png", ContentFile(png_bytes()))
        _age(storages["default"], public)
        assert "Deleted 0 orphan blob(s)" in _run()
        assert storages["default"].exists(public)
    with override_settings(STORAGES=_storages(private, private)), \
            pytest.raises(CommandError, match="cannot be told apart"):
        _run()


def test_a_negative_age_is_refused(local):
    with pytest.raises(CommandError, match="0 or more"):
        _run("--older-than-hours", "-1")


# ---------------------------------------------------------------------------- S3

@pytest.fixture
def s3(moto_endpoint, monkeypatch, world):
    import boto3

    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=BUCKET)
    # Public media in the same bucket at its root, as the production settings have it.
    client.put_object(Bucket=BUCKET, Key="original_images/logo.png", Body=png_bytes())
    options = {
        "bucket_name": BUCKET, "endpoint_url": moto_endpoint, "region_name": "us-east-1",
        "access_key": "testing", "secret_key": "testing", "addressing_style": "path",
        "signature_version": "s3v4", "location": "private", "default_acl": "private",
        "querystring_auth": True, "file_overwrite": False, "custom_domain": None,
    }
    storage, override = _use_private(_storages({"BACKEND": "storages.backends.s3.S3Storage",
                                                "OPTIONS": options}), monkeypatch)
    yield client, storage
    override.disable()
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_only_old_unreferenced_blobs_go_on_s3(s3, world, monkeypatch):
    from tests.conftest import build_documents

    client, storage = s3
    w = build_documents(world)
    version = w.file_a.current_version
    version.thumbnail.save("thumb.png", ContentFile(png_bytes()), save=True)
    extra = services.add_file(w.folder_a_sub, pdf_upload("deeper.pdf"), user=w.staff)
    referenced = {"private/" + name for name in
                  [v.blob.name for v in w.file_a.versions.all()]
                  + [version.thumbnail.name, extra.current_version.blob.name]}
    assert referenced <= _keys(client)  # really on S3
    old_orphan = storage.save("ws1/deep/half-way.pdf", ContentFile(b"%PDF-1.4 lost"))
    new_orphan = storage.save("ws1/in-flight.pdf", ContentFile(b"%PDF-1.4 uploading"))

    # moto stamps every object "now": everything but the young orphan is made two days old,
    # on top of the real modified time that S3 answers.
    real = type(storage).get_modified_time
    monkeypatch.setattr(storage, "get_modified_time", lambda name: real(storage, name) - (
        timedelta(0) if name == new_orphan else timedelta(days=2)))

    text = _run("--dry-run")
    assert f"Would delete orphan blob {old_orphan}" in text and "nothing deleted" in text
    assert "private/" + old_orphan in _keys(client)

    text = _run()
    assert f"Deleted orphan blob {old_orphan}" in text
    assert "Deleted 1 orphan blob(s) older than 24 hours." in text
    keys = _keys(client)
    assert "private/" + old_orphan not in keys
    assert "private/" + new_orphan in keys
    assert referenced <= keys
    assert "original_images/logo.png" in keys  # outside the private prefix: never listed
