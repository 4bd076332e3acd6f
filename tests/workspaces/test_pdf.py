"""The spine's PDF renderer: branding, the project-only URL fetcher, the time limit, the cache."""

import http.server
import re
import threading

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from workspaces import pdf

pytestmark = pytest.mark.django_db


def _text(data, tmp_path):
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _fonts(data, tmp_path):
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    names = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.fixture
def listener():
    """A local HTTP server that counts requests: proof that nothing was fetched."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


class RecordingFetcher(pdf.PortalURLFetcher):
    instances = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordingFetcher.instances.append(self)


@pytest.fixture
def recording(monkeypatch):
    RecordingFetcher.instances = []
    monkeypatch.setattr(pdf, "PortalURLFetcher", RecordingFetcher)
    return RecordingFetcher.instances


def test_renders_the_firms_branding_with_shipped_fonts(world, tmp_path, recording):
    world.firm.footer_text = "Acme Advisers LLP, 1 Main Street"
    world.firm.save()
    data = pdf.render_pdf("pdf/base.html", {}, site=world.site)
    text = _text(data, tmp_path)
    assert "Acme Advisers Portal" in text
    assert "Acme Advisers LLP, 1 Main Street" in text
    assert "Generated on" in text and "UTC" in text
    # The fonts come from static/fonts/, through the fetcher, and are embedded.
    fetched = [url for url, allowed in recording[0].log if allowed]
    assert any(url.endswith("/static/fonts/DejaVuSans.ttf") for url in fetched)
    assert any("Portal-Sans" in name for name in _fonts(data, tmp_path))


def test_render_from_a_request_uses_its_site(world, rf, tmp_path):
    request = rf.get("/", HTTP_HOST="testserver")
    assert "Acme Advisers Portal" in _text(pdf.render_pdf("pdf/base.html", {},
                                                          request=request), tmp_path)


def test_hostile_urls_are_never_fetched(world, tmp_path, listener, recording):
    base, hits = listener
    html = f"""<!DOCTYPE html><html><head>
      <link rel="stylesheet" href="{base}/evil.css">
      <style>@import url("{base}/import.css"); p {{ background: url("{base}/bg.png") }}</style>
      </head><body>
      <p>Invoice line</p>
      <img src="{base}/pixel.png">
      <img src="file:///etc/passwd">
      <img src="file:///work/main/static/fonts/DejaVuSans.ttf">
      <img src="/static/../../portal_site/settings/base.py">
      <img src="/media/../../../etc/hostname">
      <img src="ftp://127.0.0.1/x">
      <img src="https://example.com/logo.png">
      </body></html>"""
    data = pdf.html_to_pdf(html)
    assert "Invoice line" in _text(data, tmp_path)
    assert hits == []  # nothing reached the network
    log = recording[0].log
    assert log and not any(allowed for _url, allowed in log), log
    refused = {url for url, _allowed in log}
    assert f"{base}/pixel.png" in refused and "file:///etc/passwd" in refused


def test_fetcher_refuses_directly(settings):
    fetcher = pdf.PortalURLFetcher()
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png",
                "http://pdf.portal.invalid/etc/passwd",
                "http://pdf.portal.invalid/static/../manage.py",
                "http://pdf.portal.invalid/static/%2e%2e/%2e%2e/etc/passwd",
                "http://pdf.portal.invalid/media/../../etc/passwd",
                "gopher://127.0.0.1/"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch("http://pdf.portal.invalid/static/fonts/DejaVuSansMono.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    response.close()
    data = fetcher.fetch("data:text/plain;base64,aGk=")
    assert data.read() == b"hi"


def test_media_files_load_but_private_files_do_not(world, settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    storages["default"].save("pdf-test/note.txt", ContentFile(b"public media"))
    storages["private"].save("secret.txt", ContentFile(b"client file"))
    fetcher = pdf.PortalURLFetcher()
    assert fetcher.fetch("http://pdf.portal.invalid/media/pdf-test/note.txt").read() == \
        b"public media"
    with pytest.raises(ValueError):
        fetcher.fetch("http://pdf.portal.invalid/-private-/secret.txt")


def test_second_render_of_the_same_content_hits_the_cache(world, monkeypatch):
    calls = []
    real = pdf._write_pdf

    def counting(html, fetcher):
        calls.append(html)
        return real(html, fetcher)

    monkeypatch.setattr(pdf, "_write_pdf", counting)
    cache.clear()
    first = pdf.render_pdf("pdf/base.html", {}, site=world.site)
    second = pdf.render_pdf("pdf/base.html", {}, site=world.site)
    assert first == second
    assert len(calls) == 1
    assert cache.get(pdf.cache_key(calls[0])) == first
    # Different content is rendered anew.
    world.firm.platform_name = "Another Brand"
    world.firm.save()
    pdf.render_pdf("pdf/base.html", {}, site=world.site)
    assert len(calls) == 2


def test_a_render_past_the_time_limit_is_abandoned(world, monkeypatch, settings):
    import time

    settings.PORTAL_PDF_TIMEOUT = 0.5
    release = threading.Event()

    def stuck(html, fetcher):
        release.wait(5)
        return b"%PDF-late"

    monkeypatch.setattr(pdf, "_write_pdf", stuck)
    started = time.monotonic()
    with pytest.raises(pdf.PDFTimeout, match="longer than"):
        pdf.html_to_pdf("<p>slow</p>")
    assert time.monotonic() - started < 3
    release.set()
    assert cache.get(pdf.cache_key("<p>slow</p>")) is None


def test_fetches_stop_after_the_deadline():
    import time

    from weasyprint.urls import FatalURLFetchingError

    fetcher = pdf.PortalURLFetcher(deadline=time.monotonic() - 1)
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch("http://pdf.portal.invalid/static/fonts/DejaVuSans.ttf")


def test_render_errors_are_clear(world, monkeypatch):
    def broken(html, fetcher):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(pdf, "_write_pdf", broken)
    with pytest.raises(pdf.PDFError, match="could not be rendered: layout exploded"):
        pdf.html_to_pdf("<p>x</p>")


def test_brand_colours_reach_the_pdf(world):
    html = pdf.render_html("pdf/base.html", {}, site=world.site)
    assert re.search(r"--brand:\s*#1f4e79", html)
