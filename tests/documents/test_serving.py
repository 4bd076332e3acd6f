"""Serving private blobs: ranges, headers, X-Accel-Redirect, streaming, and what Chromium
makes of the headers (inline PDFs, images and audio display; HTML never renders)."""

import os
import re
import tracemalloc
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import StreamingHttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path

from documents import services
from tests.samples import pdf_bytes, png_bytes, upload
from workspaces.blobs import serving

DATA = bytes(range(256)) * 40  # 10,240 bytes, every offset distinguishable
rf = RequestFactory()


@pytest.fixture
def blob():
    storage = storages["private"]
    name = storage.save("tests/serving/data.bin", ContentFile(DATA))
    yield SimpleNamespace(storage=storage, name=name)
    storage.delete(name)


def body(response):
    assert isinstance(response, StreamingHttpResponse)  # never read into memory
    content = b"".join(response.streaming_content)
    response.close()
    return content


def get(blob, range_header=None, content_type="application/pdf", inline=False, name="a.pdf",
        **headers):
    if range_header:
        headers["HTTP_RANGE"] = range_header
    return serving.serve_blob(rf.get("/x", **headers), blob, name, content_type, inline=inline)


# ------------------------------------------------------------------------------ ranges

def test_whole_file_streams_with_its_length(blob):
    response = get(blob)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(DATA))
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == DATA


@pytest.mark.parametrize("header, start, end", [
    ("bytes=10-19", 10, 19),
    ("bytes=0-0", 0, 0),
    ("bytes=10000-", 10000, len(DATA) - 1),
    ("bytes=-5", len(DATA) - 5, len(DATA) - 1),
    ("bytes=-999999", 0, len(DATA) - 1),
    ("bytes=10200-999999", 10200, len(DATA) - 1),
])
def test_single_range_gives_206_with_the_exact_bytes(blob, header, start, end):
    response = get(blob, header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert body(response) == DATA[start:end + 1]


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=20000-30000", "bytes=-0"])
def test_unsatisfiable_range_gives_416(blob, header):
    response = get(blob, header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(DATA)}"
    assert response.content == b""


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-5", "bytes=9-3", "bytes=-",
                                    "bytes=a-b"])
def test_ranges_we_do_not_serve_give_the_whole_file(blob, header):
    response = get(blob, header)
    assert response.status_code == 200
    assert body(response) == DATA


def test_if_range_and_if_none_match(blob):
    etag = get(blob)["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    same = get(blob, "bytes=0-9", HTTP_IF_RANGE=etag)
    assert same.status_code == 206 and body(same) == DATA[:10]
    changed = get(blob, "bytes=0-9", HTTP_IF_RANGE='"something-else"')
    assert changed.status_code == 200 and body(changed) == DATA
    cached = get(blob, HTTP_IF_NONE_MATCH=etag)
    assert cached.status_code == 304 and cached.content == b""


def test_head_sends_headers_only(blob):
    response = serving.serve_blob(rf.head("/x"), blob, "a.pdf", "application/pdf")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(DATA))
    assert response.content == b""


def test_big_file_streams_with_flat_memory(tmp_path):
    """A 4 GiB sparse file (no disk used): the end is reachable by range, and 64 MiB pass
    through the response with memory growth of a few chunks."""
    size = 4 * 1024**3
    storage = storages["private"]
    name = "tests/serving/big.bin"
    full = storage.path(name)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as fh:
        fh.truncate(size - 4)
        fh.seek(size - 4)
        fh.write(b"TAIL")
    fieldfile = SimpleNamespace(storage=storage, name=name)
    try:
        tail = get(fieldfile, "bytes=-4", "video/mp4")
        assert tail["Content-Range"] == f"bytes {size - 4}-{size - 1}/{size}"
        assert body(tail) == b"TAIL"

        response = get(fieldfile, f"bytes=0-{64 * 1024**2 - 1}", "video/mp4")
        tracemalloc.start()
        received, biggest = 0, 0
        for chunk in response.streaming_content:
            received += len(chunk)
            biggest = max(biggest, len(chunk))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        response.close()
        assert received == 64 * 1024**2
        assert biggest <= serving.CHUNK
        assert peak < 2 * 1024**2

        whole = get(fieldfile, None, "video/mp4")
        assert whole["Content-Length"] == str(size)
        first = next(iter(whole.streaming_content))
        assert len(first) == serving.CHUNK
        whole.close()
    finally:
        storage.delete(name)


# ------------------------------------------------------------------------------ headers

def test_every_answer_carries_the_protective_headers(blob):
    for response in (get(blob), get(blob, "bytes=0-1"), get(blob, "bytes=-0"),
                     get(blob, inline=True)):
        assert response["X-Content-Type-Options"] == "nosniff"
        csp = response["Content-Security-Policy"]
        assert "default-src 'none'" in csp and csp.endswith("sandbox")
        assert "script-src" not in csp
        assert response["Cache-Control"].startswith("private")
        response.close()


def test_inline_only_for_passive_types(blob):
    pdf = get(blob, inline=True, content_type="application/pdf", name="a.pdf")
    assert pdf["Content-Disposition"] == 'inline; filename="a.pdf"'
    assert pdf["Content-Type"] == "application/pdf"
    assert "frame-ancestors 'self'" in pdf["Content-Security-Policy"]
    for content_type, name in [("text/html", "a.html"), ("image/svg+xml", "a.svg"),
                               ("text/plain", "a.txt"), ("application/xhtml+xml", "a.xhtml"),
                               ("text/xml", "a.xml"), ("application/zip", "a.zip"),
                               ("text/html; charset=utf-8", "a.png")]:
        response = get(blob, inline=True, content_type=content_type, name=name)
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        response.close()
    media = get(blob, inline=True, content_type="video/mp4", name="a.mp4")
    assert media["Content-Disposition"] == 'inline; filename="a.mp4"'
    assert media["Content-Security-Policy"].endswith("; sandbox allow-same-origin")
    assert "allow-scripts" not in media["Content-Security-Policy"]
    media.close()
    assert not serving.wants_inline("image/svg+xml")
    assert serving.wants_inline("video/mp4") and serving.wants_inline("image/png")


@pytest.mark.parametrize("name, fallback, utf8", [
    ("report.pdf", "report.pdf", None),
    ("résumé \"final\".pdf", "resume _final_.pdf", "résumé \"final\".pdf"),
    ("a\r\nSet-Cookie: x=1.pdf", "aSet-Cookie_ x=1.pdf", "aSet-Cookie: x=1.pdf"),
    ("年度報告.pdf", "download.pdf", "年度報告.pdf"),
    ("..\\..\\x;y.pdf", "_.._x;y.pdf", ".._.._x;y.pdf"),
])
def test_content_disposition_is_safe_for_any_name(blob, name, fallback, utf8):
    header = get(blob, name=name)["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    match = re.fullmatch(r'attachment; filename="([^"\\]*)"(?:; filename\*=UTF-8\'\'(\S+))?',
                         header)
    assert match, header
    assert match.group(1) == fallback
    assert (unquote(match.group(2)) if match.group(2) else None) == utf8


def test_a_stored_version_is_served_with_its_sniffed_type(world):
    folder = services.create_folder(world.ws_a, "Files")
    file = services.add_file(folder, upload("chart.png", png_bytes(), "text/html"))
    version = file.current_version
    response = serving.serve_blob(rf.get("/x"), version.blob, file.name,
                                  version.content_type, inline=True)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="chart.png"'
    assert body(response) == png_bytes()


@override_settings(PORTAL_X_ACCEL_REDIRECT="/_private/")
def test_x_accel_redirect_hands_the_sending_to_nginx(blob):
    response = get(blob, "bytes=0-9", inline=True, name="Q1 report.pdf")
    assert response.status_code == 200  # nginx does the range
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/_private/tests/serving/data.bin"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Q1 report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].endswith("sandbox")
    assert "Content-Length" not in response


# ------------------------------------------------------------------------------ Chromium

SERVED = {
    "report": ("report.pdf", "application/pdf", pdf_bytes),
    "chart": ("chart.png", "image/png", lambda: png_bytes((300, 200))),
    "tone": ("tone.wav", "audio/x-wav", None),
    "page": ("page.html", "text/html",
             lambda: b"<html><body><h1 id=pwned>script ran</h1></body></html>"),
}


def _wav():
    import io
    import math
    import struct
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 5)))
                               for i in range(8000)))
    return out.getvalue()


def _serve_view(request, key):
    name, content_type, _ = SERVED[key]
    blob = SimpleNamespace(storage=storages["private"], name=f"tests/browser/{name}")
    return serving.serve_blob(request, blob, name, content_type, inline=True)


def _frame_view(request, key):
    from django.http import HttpResponse

    return HttpResponse(f'<!doctype html><title>frame</title><iframe id="f" src="/blob/{key}"'
                        f' width="600" height="400"></iframe>')


urlpatterns = [path("blob/<str:key>", _serve_view), path("frame/<str:key>", _frame_view)]


@pytest.mark.browser
def test_chromium_displays_inline_files_and_never_renders_html(live_server, settings):
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    settings.ROOT_URLCONF = __name__
    storage = storages["private"]
    for name, _, make in SERVED.values():
        storage.delete(f"tests/browser/{name}")
        storage.save(f"tests/browser/{name}", ContentFile(make() if make else _wav()))
    pdf_viewer = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                    headless=True)
        try:
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()

            page.goto(f"{live_server.url}/blob/chart")
            assert page.evaluate("document.querySelector('img').naturalWidth") == 300

            page.goto(f"{live_server.url}/blob/tone")
            page.wait_for_function("document.querySelector('video, audio') && "
                                   "document.querySelector('video, audio').readyState >= 1")
            assert page.evaluate("document.querySelector('video, audio').duration") == (
                pytest.approx(1.0, abs=0.05))

            for url in (f"{live_server.url}/blob/report", f"{live_server.url}/frame/report"):
                page.goto(url)
                for _ in range(100):  # Chromium's PDF viewer loads as a frame of its own
                    if any(f.url.startswith(pdf_viewer) for f in page.frames):
                        break
                    page.wait_for_timeout(100)
                else:
                    pytest.fail(f"Chromium did not display the PDF at {url}")

            with page.expect_download() as download:
                page.evaluate(f"location.href = '{live_server.url}/blob/page'")
            assert download.value.suggested_filename == "page.html"
            assert page.locator("#pwned").count() == 0
        finally:
            browser.close()
    for name, _, _ in SERVED.values():
        storage.delete(f"tests/browser/{name}")
