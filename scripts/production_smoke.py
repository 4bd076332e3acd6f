"""Production smoke test, the Python half (scripts/production_smoke.sh starts the services).

`prepare URL OUT_JSON`: with the production settings, loads the demo firm, its people and
two workspaces (with manage.py load_demo's code) and adds a file of random text to a folder
that every contact of Harbor Bakery sees; writes what the browser half needs to OUT_JSON.

`check URL PREPARED_JSON MAIL_DIR`: a browser that talks to gunicorn as nginx would forward it
(X-Forwarded-Proto: https, X-Forwarded-For) and drives the HTML forms: a contact signs in with
a password, opens the workspace and downloads the file through the presigned S3 redirect;
another contact asks for a login link, which the worker must send, and follows it; staff sign
in at /admin/login/ and open /admin/. Exits 1 with a message on the first thing that is wrong.
"""

import email
import email.policy
import hashlib
import json
import os
import re
import socket
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent

# From workspaces/management/commands/load_demo.py.
CONTACT, CONTACT_WORKSPACE = "alice@harborbakery.example", "Harbor Bakery"
LINK_CONTACT, LINK_WORKSPACE = "dana@lumenstudio.example", "Lumen Studio"
STAFF = "admin@northwind.example"


class SmokeFailure(Exception):
    pass


def prepare(base_url, out_path):
    import secrets

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.urls import reverse

    from documents import services
    from workspaces.management.commands import load_demo
    from workspaces.models import WorkspacePage

    # The demo's firm, people and first two workspaces, without the tools' demo content
    # (its PDFs and reports take longer to make than everything else here).
    demo = load_demo.Command()
    with transaction.atomic():
        site, home = demo.site_and_home(base_url)
        demo.firm_settings(site)
        users = {row[0]: demo.staff(*row) for row in load_demo.STAFF}
        users.update({row[0]: demo.contact(*row) for row in load_demo.CONTACTS})
        for spec in load_demo.WORKSPACES[:2]:
            demo.workspace(home, spec, users)
    workspace = WorkspacePage.objects.get(slug="harbor-bakery")
    staff = get_user_model().objects.get(email="maria@northwind.example")
    folder = services.create_folder(workspace, "Smoke test", user=staff,
                                    grants={"view": {"everyone": True}})
    content = "".join(f"smoke line {n} {secrets.token_hex(16)}\n" for n in range(3000)).encode()
    upload = SimpleUploadedFile("smoke-check.txt", content, content_type="text/plain")
    file = services.add_file(folder, upload, user=staff)
    Path(out_path).write_text(json.dumps({
        "contact_password": load_demo.CONTACT_PASSWORD,
        "staff_password": load_demo.STAFF_PASSWORD,
        "file_name": file.name,
        "file_page": reverse("documents:file", args=[workspace.slug, file.pk]),
        "download": reverse("documents:file_download", args=[workspace.slug, file.pk]),
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
    }))


class Forms(HTMLParser):
    """The forms of a page: action, method and the value of every named field."""

    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"action": attrs.get("action") or "",
                            "method": (attrs.get("method") or "get").lower(), "fields": {}}
            self.forms.append(self.current)
        elif tag in {"input", "textarea", "select"} and self.current is not None:
            name = attrs.get("name")
            if name and attrs.get("type") not in {"submit", "button", "checkbox", "radio"}:
                self.current["fields"][name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def to_gunicorn_adapter():
    """The browser speaks https to nginx, which passes plain http to gunicorn; this script
    stands in for both. Requests are made (and their Secure cookies chosen) for the https URL,
    and only sent over http to gunicorn on loopback."""
    from requests.adapters import HTTPAdapter

    class ToGunicorn(HTTPAdapter):
        def send(self, request, **kwargs):
            public = request.url
            request.url = "http" + public[len("https"):]
            try:
                return super().send(request, **kwargs)
            finally:
                request.url = public

    return ToGunicorn()


class Browser:
    def __init__(self, base_url, client_ip):
        import requests

        self.requests = requests
        self.host = urlsplit(base_url).netloc
        self.public = f"https://{self.host}"
        self.session = requests.Session()
        self.session.mount(self.public + "/", to_gunicorn_adapter())
        self.session.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": client_ip,
                                     "User-Agent": "portal-production-smoke"})
        self.page_url = self.public + "/"

    def request(self, method, url, data=None, stop_outside=False):
        """Follows redirects within the portal; returns (response, public URL). A redirect to
        another host ends the walk when stop_outside is set (presigned downloads)."""
        url = urljoin(self.page_url, url)
        for _ in range(10):
            headers = {}
            if method == "post":
                headers = {"Origin": self.public, "Referer": self.page_url}
            response = self.session.request(method, url, data=data,
                                            headers=headers, allow_redirects=False, timeout=30)
            if response.status_code not in (301, 302, 303, 307, 308):
                self.page_url = url
                return response, url
            target = urljoin(url, response.headers["Location"])
            if urlsplit(target).netloc != self.host:
                if stop_outside:
                    return response, target
                raise SmokeFailure(f"{url} redirected outside the portal, to {target}")
            if urlsplit(target).scheme != "https":
                raise SmokeFailure(f"{url} redirected to plain http: {target}")
            url, method, data = target, "get", None
        raise SmokeFailure(f"too many redirects from {url}")

    def get(self, url, expect=200):
        response, final = self.request("get", url)
        if response.status_code != expect:
            raise SmokeFailure(f"GET {url} answered {response.status_code} (expected {expect}):"
                               f" {response.text[:300]}")
        return response, final

    def submit(self, response, fields, pick=lambda form: True):
        parser = Forms()
        parser.feed(response.text)
        forms = [form for form in parser.forms if form["method"] == "post" and pick(form)]
        if not forms:
            raise SmokeFailure(f"no such form on {self.page_url}")
        form = forms[0]
        missing = set(fields) - set(form["fields"])
        if missing:
            raise SmokeFailure(f"the form on {self.page_url} has no field {sorted(missing)}")
        data = {**form["fields"], **fields}
        return self.request("post", form["action"] or self.page_url, data=data)


def wait_for_port(url, timeout=60):
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex((parts.hostname, parts.port)) == 0:
                return
        time.sleep(0.2)
    raise SmokeFailure(f"nothing listens on {url} after {timeout} s")


def text_of(response):
    return re.sub(r"\s+", " ", response.text)


def expect_in(response, needle, what):
    if needle not in text_of(response):
        raise SmokeFailure(f"{what}: {needle!r} not on {response.url}")


def password_login(browser, email_address, password, workspace):
    page, _ = browser.get("/login/")
    response, final = browser.submit(
        page, {"email": email_address, "password": password},
        pick=lambda form: form["fields"].get("method") == "password")
    if response.status_code != 200 or urlsplit(final).path.startswith("/login/"):
        raise SmokeFailure(f"password login of {email_address} ended on {final} "
                           f"({response.status_code}): {text_of(response)[:300]}")
    switcher, _ = browser.get("/workspaces/?all")
    expect_in(switcher, workspace, f"{email_address}'s workspaces")
    return switcher


def open_workspace(browser, switcher, title):
    links = re.findall(r'<a[^>]+href="([^"]+)"[^>]*>\s*(?:<[^>]+>\s*)*' + re.escape(title),
                       switcher.text)
    if not links:
        raise SmokeFailure(f"no link to the workspace {title!r} on /workspaces/?all")
    dashboard, final = browser.get(links[0])
    expect_in(dashboard, title, "the workspace dashboard")
    return dashboard, final


def download(browser, prepared):
    page, _ = browser.get(prepared["file_page"])
    expect_in(page, prepared["file_name"], "the file page")
    if f'href="{prepared["download"]}"' not in page.text:
        raise SmokeFailure("the file page has no download link")
    response, target = browser.request("get", prepared["download"], stop_outside=True)
    if response.status_code not in (302, 303) or not urlsplit(target).query:
        raise SmokeFailure(f"the download answered {response.status_code}, not a presigned "
                           f"redirect ({target})")
    blob = browser.requests.get(target, timeout=30)
    if blob.status_code != 200:
        raise SmokeFailure(f"S3 answered {blob.status_code} for the presigned URL")
    digest = hashlib.sha256(blob.content).hexdigest()
    if digest != prepared["sha256"]:
        raise SmokeFailure(f"downloaded {len(blob.content)} bytes that differ from the "
                           f"{prepared['size']} uploaded")
    return f"{len(blob.content)} bytes from {urlsplit(target).netloc}, SHA-256 matches"


def mail_to(mail_dir, address, seen):
    for path in sorted(Path(mail_dir).glob("*.eml")):
        if path in seen:
            continue
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address in str(message["To"]):
            seen.add(path)
            return message
    return None


def magic_link_login(browser, mail_dir, address, workspace):
    seen = set(Path(mail_dir).glob("*.eml"))
    page, _ = browser.get("/login/")
    response, final = browser.submit(
        page, {"email": address}, pick=lambda form: form["fields"].get("method") == "magic")
    if response.status_code != 200:
        raise SmokeFailure(f"asking for a link answered {response.status_code}")
    deadline, message = time.monotonic() + 45, None
    while message is None and time.monotonic() < deadline:
        message = mail_to(mail_dir, address, seen)
        time.sleep(0.2)
    if message is None:
        raise SmokeFailure(f"no email to {address} within 45 s: is the worker running?")
    body = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://\S+/login/link/\?token=[^\s\"'<>]+", body)
    if not links:
        raise SmokeFailure(f"the email to {address} has no login link:\n{body[:500]}")
    link = urlsplit(links[0])
    if link.netloc != browser.host:
        raise SmokeFailure(f"the login link points at {link.netloc}, not the portal")
    # The Site is 127.0.0.1:<port>, which Wagtail writes as http://; behind nginx it would be
    # the firm's https domain, so the browser opens the link as https.
    confirm, _ = browser.get(f"{browser.public}{link.path}?{link.query}")
    response, final = browser.submit(confirm, {})
    if response.status_code != 200 or urlsplit(final).path.startswith("/login/"):
        raise SmokeFailure(f"following the link ended on {final} ({response.status_code})")
    switcher, _ = browser.get("/workspaces/?all")
    expect_in(switcher, workspace, f"{address}'s workspaces after the link")
    return f"email {message['Subject']!r} sent by the worker; signed in"


def admin_login(browser, address, password):
    page, _ = browser.get("/admin/login/")
    response, final = browser.submit(page, {"username": address, "password": password})
    if response.status_code != 200 or urlsplit(final).path != "/admin/":
        raise SmokeFailure(f"staff login ended on {final} ({response.status_code})")
    dashboard, _ = browser.get("/admin/")
    expect_in(dashboard, "Dashboard", "the admin")
    return "signed in, /admin/ shows the dashboard"


def check(base_url, prepared_path, mail_dir):
    prepared = json.loads(Path(prepared_path).read_text())
    steps = []

    def step(name, function, *args):
        started = time.monotonic()
        try:
            result = function(*args)
        except SmokeFailure as failure:
            print(f"FAILED  {name}: {failure}", flush=True)
            sys.exit(1)
        except Exception as error:
            print(f"FAILED  {name}: {type(error).__name__}: {error}", flush=True)
            sys.exit(1)
        detail = result if isinstance(result, str) else ""
        print(f"ok      {name} ({time.monotonic() - started:.2f} s) {detail}".rstrip(),
              flush=True)
        steps.append(name)
        return result

    step("gunicorn listens", wait_for_port, base_url)
    contact = Browser(base_url, "203.0.113.10")
    switcher = step(f"contact {CONTACT} signs in with a password", password_login, contact,
                    CONTACT, prepared["contact_password"], CONTACT_WORKSPACE)
    step("the workspace dashboard opens", open_workspace, contact, switcher, CONTACT_WORKSPACE)
    step(f"the file {prepared['file_name']} downloads through S3", download, contact, prepared)
    linked = Browser(base_url, "203.0.113.11")
    step(f"contact {LINK_CONTACT} signs in with a magic link", magic_link_login, linked,
         mail_dir, LINK_CONTACT, LINK_WORKSPACE)
    staff = Browser(base_url, "203.0.113.12")
    step(f"staff {STAFF} signs in at /admin/login/", admin_login, staff, STAFF,
         prepared["staff_password"])
    print(f"All {len(steps)} production smoke checks passed.")


if __name__ == "__main__":
    os.chdir(ROOT)
    if sys.argv[1:2] == ["prepare"] and len(sys.argv) == 4:
        prepare(*sys.argv[2:4])
    elif sys.argv[1:2] == ["check"] and len(sys.argv) == 5:
        check(*sys.argv[2:5])
    else:
        sys.exit(__doc__)
