"""The one branded PDF renderer of the portal (WeasyPrint).

Sign-off certificates, invoices and monthly reports all come through `render_pdf`:

- the Site's branding (FirmSettings: platform name, logo, colours, footer) is in the context as
  `brand`, and every PDF template extends `templates/pdf/base.html`;
- fonts are shipped in the project (static/fonts/) and loaded with @font-face, so a PDF looks
  the same on every server;
- the URL fetcher loads only the project's own static files and public media (and `data:`
  URLs). No network, no file:// path: a URL planted in an invoice line or a comment is never
  fetched, whatever it points at;
- a time limit: the layout runs in a worker thread with a deadline, and a render that takes
  longer raises `PDFTimeout`;
- the output is cached by content hash: the key is the SHA-256 of the final HTML and the
  renderer's version, so the same document is laid out once.

Long jobs (reports, bulk runs) call this from a background task, not from a request.
"""

import base64
import hashlib
import logging
import mimetypes
import posixpath
import re
import threading
import time
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import storages
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Bump when templates/pdf/base.html or this module changes the output for the same HTML.
RENDERER_VERSION = "1"
# Relative URLs in PDF templates ("/static/fonts/...") resolve against this base. The .invalid
# top-level domain never resolves (RFC 6761); the fetcher maps it to local files and never
# opens a connection anyway.
BASE_URL = "http://pdf.portal.invalid/"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_TIMEOUT = 30
DEFAULT_CACHE_SECONDS = 24 * 3600
DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024


class PDFError(Exception):
    """A PDF could not be rendered."""


class PDFTimeout(PDFError):
    """The render took longer than the time limit (settings.PORTAL_PDF_TIMEOUT seconds)."""


class RefusedURL(ValueError):
    """The fetcher will not load this URL."""


def _timeout():
    return getattr(settings, "PORTAL_PDF_TIMEOUT", DEFAULT_TIMEOUT)


# ---------------------------------------------------------------------------- fetching

class PortalURLFetcher(URLFetcher):
    """Loads `data:` URLs, the project's static files and its public media. Everything else
    (http, https, ftp, file, any other host) is refused without being opened.

    `log` keeps (url, allowed) for each request, for tests and debugging.
    """

    def __init__(self, deadline=None):
        super().__init__(timeout=1, allowed_protocols=("data", "http", "https"))
        self.deadline = deadline
        self.log = []

    def fetch(self, url, headers=None):
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise FatalURLFetchingError("PDF render deadline passed")
        try:
            response = self._local(url)
        except RefusedURL as refusal:
            self.log.append((url, False))
            logger.warning("PDF renderer refused to fetch %s: %s", url[:200], refusal)
            raise
        self.log.append((url, True))
        return response

    def _local(self, url):
        if url.startswith("data:"):
            # Decoded in memory by urllib's DataHandler: no I/O of any kind.
            return super().fetch(url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise RefusedURL(f"scheme {parts.scheme!r} is not allowed")
        path = unquote(parts.path)
        for prefix, loader in self._roots(parts):
            if prefix is not None and path.startswith(prefix):
                name = _clean_relative(path[len(prefix):])
                return loader(url, name)
        raise RefusedURL("not one of the project's own static or media files")

    def _roots(self, parts):
        """(path prefix, loader) pairs that apply to this URL's host."""
        ours = f"{parts.scheme}://{parts.netloc}/" == BASE_URL
        roots = []
        for setting, loader in ((settings.STATIC_URL, _load_static),
                                (settings.MEDIA_URL, _load_media)):
            if not setting:
                continue
            setting_parts = urlsplit(setting)
            if setting_parts.netloc:
                # An absolute STATIC_URL / MEDIA_URL (a CDN): the same files, read locally.
                same = (setting_parts.scheme, setting_parts.netloc) == (parts.scheme,
                                                                         parts.netloc)
                roots.append((setting_parts.path if same else None, loader))
            else:
                roots.append(("/" + setting.strip("/") + "/" if ours else None, loader))
        return roots


def _clean_relative(name):
    name = name.replace("\\", "/")
    if "\x00" in name:
        raise RefusedURL("NUL in path")
    normal = posixpath.normpath(name)
    if normal in ("", ".") or normal.startswith(("../", "/")) or normal == "..":
        raise RefusedURL("path leaves its root")
    return normal


def _response(url, handle, name):
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return URLFetcherResponse(url, handle, {"Content-Type": content_type})


def _load_static(url, name):
    try:
        found = finders.find(name)
    except SuspiciousFileOperation as error:
        raise RefusedURL(str(error)) from error
    if not found and settings.STATIC_ROOT:
        storage = storages["staticfiles"]
        try:
            if storage.exists(name):
                return _response(url, storage.open(name, "rb"), name)
        except (SuspiciousFileOperation, NotImplementedError) as error:
            raise RefusedURL(str(error)) from error
    if not found:
        raise RefusedURL("no such static file")
    return _response(url, open(found, "rb"), name)  # noqa: SIM115 (closed by WeasyPrint)


def _load_media(url, name):
    storage = storages["default"]
    try:
        if not storage.exists(name):
            raise RefusedURL("no such media file")
        return _response(url, storage.open(name, "rb"), name)
    except SuspiciousFileOperation as error:
        raise RefusedURL(str(error)) from error


# ---------------------------------------------------------------------------- branding

def _site_for(request=None, site=None):
    from wagtail.models import Site

    if site is None and request is not None:
        site = Site.find_for_request(request)
    return site or Site.objects.filter(is_default_site=True).first()


def _logo_data_uri(firm):
    """The logo, embedded as a data: URL: read through its storage (local or S3) by the
    application, never fetched by URL during the render."""
    if not firm.logo_id:
        return ""
    try:
        rendition = firm.logo.get_rendition("max-400x160")
        with rendition.file.open("rb") as handle:
            data = handle.read(2 * 1024 * 1024 + 1)
    except Exception:  # a missing or broken image file must not stop the PDF
        logger.exception("PDF renderer: logo of %s could not be read", firm)
        return ""
    if len(data) > 2 * 1024 * 1024:
        return ""
    content_type = mimetypes.guess_type(rendition.file.name)[0] or "image/png"
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def branding(site=None, request=None):
    """The firm's branding for PDF templates (`brand` in their context)."""
    from .models import FirmSettings

    site = _site_for(request, site)
    firm = FirmSettings.for_site(site) if site else FirmSettings()
    primary = firm.primary_color if _HEX.match(firm.primary_color or "") else "#1f4e79"
    accent = firm.accent_color if _HEX.match(firm.accent_color or "") else "#c8553d"
    return {
        "firm": firm,
        "platform_name": firm.platform_name,
        "primary_color": primary,
        "accent_color": accent,
        "footer": firm.footer_text,
        "logo": _logo_data_uri(firm),
    }


# ---------------------------------------------------------------------------- rendering

def cache_key(html):
    digest = hashlib.sha256()
    digest.update(f"portal-pdf:{RENDERER_VERSION}:{weasyprint.__version__}\n".encode())
    digest.update(html.encode("utf-8"))
    return f"pdf:{digest.hexdigest()}"


def _write_pdf(html, fetcher):
    fonts = FontConfiguration()
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(font_config=fonts)


def html_to_pdf(html, timeout=None, use_cache=True):
    """Lay out `html` (a complete document) as PDF bytes, within the time limit, through the
    project-only URL fetcher, from the cache when the same HTML was rendered before."""
    key = cache_key(html)
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            return cached
    timeout = _timeout() if timeout is None else timeout
    fetcher = PortalURLFetcher(deadline=time.monotonic() + timeout)
    outcome = {}

    def work():
        try:
            outcome["pdf"] = _write_pdf(html, fetcher)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    # A daemon thread: a render past its deadline is abandoned (its next fetch stops it),
    # never waited for.
    worker = threading.Thread(target=work, name="pdf-render", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise PDFTimeout(_("The PDF took longer than %d seconds to render and was abandoned.")
                         % timeout)
    if "error" in outcome:
        raise PDFError(_("The PDF could not be rendered: %s") % outcome["error"]) \
            from outcome["error"]
    pdf = outcome["pdf"]
    max_bytes = getattr(settings, "PORTAL_PDF_CACHE_MAX_BYTES", DEFAULT_CACHE_MAX_BYTES)
    if use_cache and len(pdf) <= max_bytes:
        cache.set(key, pdf, getattr(settings, "PORTAL_PDF_CACHE_SECONDS",
                                    DEFAULT_CACHE_SECONDS))
    return pdf


def render_html(template_name, context, request=None, site=None):
    """The final HTML of a PDF template: the context plus `brand` and `generated_at`."""
    full = {
        "brand": branding(site=site, request=request),
        # To the minute: the same document asked for twice in a minute is rendered once.
        "generated_at": timezone.now().replace(second=0, microsecond=0),
        **context,
    }
    return render_to_string(template_name, full)


def render_pdf(template_name, context, request=None, site=None):
    """Render a template of templates/pdf/ (extending pdf/base.html) to PDF bytes.

    The Site (given, or found from the request, or the default) gives the branding.
    Raises PDFTimeout past settings.PORTAL_PDF_TIMEOUT seconds, PDFError on failure.
    """
    return html_to_pdf(render_html(template_name, context, request=request, site=site))
