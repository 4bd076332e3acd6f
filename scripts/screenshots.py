"""Take the README's screenshots from a running demo (make run) in headless Chromium.

    .venv/bin/python scripts/screenshots.py [--base-url http://127.0.0.1:8000]
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings.dev")
# Playwright's sync API runs an event loop; the ORM calls here are plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from workspaces.emails import magic_link_url  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def certificate(path):
    """The demo's decided approval's certificate, first page as PNG (pdftoppm)."""
    from documents.certificate import certificate_pdf
    from documents.models import Approval

    approval = Approval.objects.filter(status=Approval.Status.APPROVED).first()
    pdf_to_png(certificate_pdf(approval), path)


def invoice_png(path):
    """The demo's overdue invoice, first page as PNG."""
    from billing.models import Invoice
    from billing.pdf import invoice_pdf

    invoice = Invoice.objects.filter(workspace__slug="harbor-bakery").order_by("number")[1]
    pdf_to_png(invoice_pdf(invoice), path)


def pdf_to_png(data, path):
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "document.pdf"
        pdf.write_bytes(data)
        command = ["/usr/bin/pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                   str(pdf), str(path.with_suffix(""))]
        subprocess.run(command, check=True)  # noqa: S603 - fixed program, our own file


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    base = args.base_url
    users = get_user_model().objects
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{base}/login/")
        page.screenshot(path=OUT / "login.png")
        page.goto(magic_link_url(users.get(email="ben@harborbakery.example"), base))
        page.screenshot(path=OUT / "magic-confirm.png")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        page.screenshot(path=OUT / "dashboard.png", full_page=True)
        page.get_by_role("link", name="Tax season checklist").first.click()
        page.screenshot(path=OUT / "content-page.png", full_page=True)
        page.get_by_role("navigation").get_by_role("link", name="Files").click()
        page.get_by_role("link", name="Tax return 2025").first.click()
        page.wait_for_load_state()
        page.screenshot(path=OUT / "files-folder.png", full_page=True)

        dana = browser.new_page(viewport={"width": 1280, "height": 800})
        dana.goto(magic_link_url(users.get(email="dana@lumenstudio.example"), base))
        dana.get_by_role("button", name="Log in").click()
        dana.wait_for_load_state()
        dana.screenshot(path=OUT / "switcher.png", full_page=True)

        mobile = browser.new_page(viewport={"width": 390, "height": 844})
        mobile.goto(magic_link_url(users.get(email="alice@harborbakery.example"), base))
        mobile.get_by_role("button", name="Log in").click()
        mobile.wait_for_load_state()
        mobile.screenshot(path=OUT / "dashboard-mobile.png", full_page=True)
        desktop = browser.new_page(viewport={"width": 1280, "height": 800})
        desktop.context.add_cookies(mobile.context.cookies())
        desktop.goto(f"{base}/harbor-bakery/approvals/")
        desktop.get_by_role("link", name="2025 tax return - draft.pdf").first.click()
        desktop.wait_for_load_state()
        desktop.screenshot(path=OUT / "approval.png", full_page=True)
        desktop.goto(f"{base}/harbor-bakery/billing/")
        desktop.screenshot(path=OUT / "billing.png", full_page=True)
        invoice_png(OUT / "invoice-pdf.png")
        certificate(OUT / "certificate.png")

        admin = browser.new_page(viewport={"width": 1400, "height": 900})
        admin.goto(f"{base}/admin/login/")
        admin.fill("input[name=username]", "admin@northwind.example")
        admin.fill("input[name=password]", "northwind-demo-2026")
        admin.click("button[type=submit]")
        admin.wait_for_load_state()
        from workspaces.models import WorkspacePage

        ws = WorkspacePage.objects.get(slug="harbor-bakery")
        admin.goto(f"{base}/admin/pages/{ws.pk}/edit/")
        admin.screenshot(path=OUT / "admin-workspace.png")
        admin.goto(f"{base}/admin/portal/workspace/{ws.pk}/contacts/")
        admin.screenshot(path=OUT / "admin-contacts.png", full_page=True)
        payroll = ws.get_children().get(slug="payroll-review-notes")
        admin.goto(f"{base}/admin/portal/page/{payroll.pk}/who-can-see/")
        admin.screenshot(path=OUT / "admin-who-can-see.png", full_page=True)
        admin.goto(f"{base}/admin/portal/workspace/{ws.pk}/preview/")
        admin.get_by_role("button", name="Preview as this contact").first.click()
        admin.wait_for_load_state()
        admin.screenshot(path=OUT / "preview-as-contact.png", full_page=True)
        admin.get_by_role("button", name="Exit preview").click()
        admin.goto(f"{base}/admin/documents/workspace/{ws.pk}/")
        admin.get_by_role("link", name="Tax return 2025").first.click()
        admin.wait_for_load_state()
        admin.screenshot(path=OUT / "admin-files.png", full_page=True)
        browser.close()
    print(f"Screenshots written to {OUT}")


if __name__ == "__main__":
    main()
