"""The S3 path, against moto's S3 server over real HTTP (not a mock object): uploads land as
private objects, downloads are redirects to short-lived presigned URLs that carry the right
Content-Type and Content-Disposition, and those URLs expire."""

import hashlib
import hmac
import urllib.error
import urllib.request
from datetime import datetime
from unittest import mock
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.core.files.storage import storages
from django.test import RequestFactory, override_settings

from documents import services
from documents.models import FileVersion
from tests.samples import pdf_bytes, upload
from workspaces.blobs import serving

pytestmark = pytest.mark.django_db

BUCKET = "portal-private-test"
SECRET = "testing"


@pytest.fixture
def s3(moto_endpoint, monkeypatch):
    """The private storage is S3 (as in production settings) for the test's duration."""
    import boto3

    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=BUCKET)
    options = {
        "bucket_name": BUCKET, "endpoint_url": moto_endpoint, "region_name": "us-east-1",
        "access_key": "testing", "secret_key": "testing", "addressing_style": "path",
        "signature_version": "s3v4", "location": "private", "default_acl": "private",
        "querystring_auth": True, "file_overwrite": False, "custom_domain": None,
    }
    STORAGES = {  # noqa: N806 - the setting's name
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    with override_settings(STORAGES=STORAGES):  # resets storages' caches, both ways
        storage = storages["private"]
        # FileFields resolve their storage callable once, at import: point them at it too.
        for field in ("blob", "thumbnail"):
            monkeypatch.setattr(FileVersion._meta.get_field(field), "storage", storage)
        yield client
    objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in objects:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def fetch(url):
    """(status, headers, body) of a plain, anonymous HTTP GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def stored(s3, world):
    folder = services.create_folder(world.ws_a, "Contracts")
    content = pdf_bytes(pages=3)
    file = services.add_file(folder, upload("Contrat signé.pdf", content, "text/html"))
    return file, content


def test_upload_lands_as_a_private_object(s3, stored, moto_endpoint):
    file, content = stored
    key = file.current_version.blob.name
    assert key.startswith(f"ws{file.workspace_id}/") and key.endswith(".pdf")
    head = s3.head_object(Bucket=BUCKET, Key=f"private/{key}")
    assert head["ContentLength"] == len(content)
    assert s3.get_object(Bucket=BUCKET, Key=f"private/{key}")["Body"].read() == content
    acl = s3.get_object_acl(Bucket=BUCKET, Key=f"private/{key}")
    assert not [g for g in acl["Grants"] if "URI" in g["Grantee"]]  # no AllUsers grant
    status, _, _ = fetch(f"{moto_endpoint}/{BUCKET}/private/{key}")
    assert status == 403


def test_download_redirects_to_a_presigned_url_with_the_right_headers(stored):
    file, content = stored
    version = file.current_version
    response = serving.serve_blob(RequestFactory().get("/x"), version.blob, file.name,
                                  version.content_type, inline=True)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    url = response["Location"]
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    status, headers, body = fetch(url)
    assert status == 200
    assert body == content
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        "inline; filename=\"Contrat signe.pdf\"; filename*=UTF-8''Contrat%20sign%C3%A9.pdf")
    assert dict(parse_qsl(urlsplit(url).query))["X-Amz-Signature"] == (
        sigv4_query_signature(url))


def test_active_types_are_attachments_on_s3_too(stored):
    file, _ = stored
    version = file.current_version
    response = serving.serve_blob(RequestFactory().get("/x"), version.blob, "page.html",
                                  "text/html", inline=True)
    status, headers, _ = fetch(response["Location"])
    assert status == 200
    assert headers["Content-Type"] == "text/html"
    assert headers["Content-Disposition"] == 'attachment; filename="page.html"'


def sigv4_query_signature(url, secret=SECRET):
    """The AWS Signature V4 of a presigned GET `url`, computed independently of botocore:
    what S3 recomputes to accept the URL. X-Amz-Date and X-Amz-Expires are inside it."""
    parts = urlsplit(url)
    params = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                    if k != "X-Amz-Signature")
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in params)
    canonical = "\n".join(["GET", parts.path, query, f"host:{parts.netloc}", "", "host",
                           "UNSIGNED-PAYLOAD"])
    values = dict(params)
    scope = values["X-Amz-Credential"].split("/", 1)[1]
    to_sign = "\n".join(["AWS4-HMAC-SHA256", values["X-Amz-Date"], scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{secret}".encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


@override_settings(PORTAL_PRESIGNED_SECONDS=1)
def test_presigned_url_expires(stored):
    """moto's server does not enforce the lifetime of presigned URLs (it answers an expired
    one with the object), so the expiry is checked the way S3 does it: the signature covers
    a 1-second lifetime from the signing time, which is the clock's time when the link is
    made (botocore's clock is held still, so no test waits for it to move)."""
    file, content = stored
    version = file.current_version
    signing_clock = datetime(2026, 3, 4, 5, 6, 7)  # botocore reads naive UTC
    with mock.patch("botocore.auth.get_current_datetime", return_value=signing_clock):
        url = serving.serve_blob(RequestFactory().get("/x"), version.blob, file.name,
                                 version.content_type)["Location"]
    values = dict(parse_qsl(urlsplit(url).query))
    assert values["X-Amz-Expires"] == "1"
    assert values["X-Amz-Date"] == "20260304T050607Z"  # the lifetime runs from signing
    assert values["X-Amz-Signature"] == sigv4_query_signature(url)
    # Stretching the lifetime or moving the signing time breaks the signature: the link
    # cannot be extended.
    longer = url.replace("X-Amz-Expires=1&", "X-Amz-Expires=3600&")
    later = url.replace("X-Amz-Date=20260304T050607Z", "X-Amz-Date=20260304T060607Z")
    for forged in (longer, later):
        assert forged != url and sigv4_query_signature(forged) != values["X-Amz-Signature"]
    # A link made now works at once.
    fresh = serving.serve_blob(RequestFactory().get("/x"), version.blob, file.name,
                               version.content_type)["Location"]
    assert fetch(fresh)[2] == content


def test_an_unsigned_private_storage_is_refused(stored):
    file, _ = stored
    storage = file.current_version.blob.storage
    storage.querystring_auth = False
    try:
        from django.core.exceptions import ImproperlyConfigured

        with pytest.raises(ImproperlyConfigured):
            serving.serve_blob(RequestFactory().get("/x"), file.current_version.blob,
                               file.name, "application/pdf")
    finally:
        storage.querystring_auth = True
