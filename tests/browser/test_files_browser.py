"""Files and sign-off in a real browser, end to end.

A contact drops two files on a folder's drop zone and watches them upload; a staff member asks
that contact, in the Wagtail admin, to approve one of them; the contact approves it in the
portal; the sign-off certificate PDF names the version and its SHA-256.
"""

import base64
import io

import pytest
from django.core import mail
from django.urls import reverse

from documents.models import Approval, File

from ..conftest import build_documents
from ..samples import pdf_bytes, png_bytes

pytestmark = pytest.mark.browser

DROP_FILES = """
async ([files]) => {
  const transfer = new DataTransfer();
  for (const [name, type, b64] of files) {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, {type}));
  }
  const target = document.querySelector("[data-drop-target]");
  for (const type of ["dragenter", "dragover", "drop"]) {
    target.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true,
                                               cancelable: true}));
  }
}
"""


def _b64(data):
    return base64.b64encode(data).decode()


def test_drop_upload_then_approval_and_certificate(live_world, live_server, browser, login_as,
                                                   tmp_path):
    from playwright.sync_api import expect
    from pypdf import PdfReader

    w = build_documents(live_world)
    base = live_server.url

    # 1. The contact drops two files on the shared folder.
    contact = browser.new_context(viewport={"width": 1280, "height": 900})
    login_as(contact, w.contact_a)
    page = contact.new_page()
    page.goto(base + reverse("documents:folder", args=[w.ws_a.slug, w.folder_a_shared.pk]))
    expect(page.get_by_role("heading", level=1, name="Shared")).to_be_visible()
    # Big enough for the browser to report upload progress on the way.
    board_minutes = pdf_bytes(pages=400)
    page.evaluate(DROP_FILES, [[
        ["Board minutes.pdf", "application/pdf", _b64(board_minutes)],
        ["Site photo.png", "image/png", _b64(png_bytes(size=(800, 600)))],
    ]])
    items = page.locator("[data-upload-list] .upload-item")
    expect(items).to_have_count(2)
    expect(items.locator("progress")).to_have_count(2)
    expect(page.locator("[data-upload-list] .upload-item.is-done")).to_have_count(2)
    for bar in items.locator("progress").all():
        expect(bar).to_have_js_property("value", 100)
    expect(page.locator("[data-upload-status]")).to_contain_text("2 of 2 files uploaded")
    listing = page.locator("[data-folder-contents]")
    expect(listing.get_by_role("link", name="Board minutes.pdf")).to_be_visible()
    expect(listing.get_by_role("link", name="Site photo.png")).to_be_visible()
    page.screenshot(path=tmp_path / "uploaded.png", full_page=True)

    uploaded = File.objects.get(folder=w.folder_a_shared, name="Board minutes.pdf")
    assert uploaded.current_version.size == len(board_minutes)
    assert uploaded.created_by == w.contact_a

    # 2. The staff member asks the contact to approve it, in the admin.
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    login_as(staff, w.staff)
    admin = staff.new_page()
    admin.goto(base + reverse("documents_admin:request_approval", args=[uploaded.pk]))
    admin.get_by_label(w.contact_a.email, exact=False).check()
    admin.get_by_label("Message").fill("Please approve the board minutes.")
    mail.outbox.clear()
    admin.get_by_role("button", name="Request approval").click()
    admin.wait_for_load_state()
    approval = Approval.objects.get(file=uploaded)
    assert list(approval.reviewers.all()) == [w.contact_a]
    assert [m.to for m in mail.outbox] == [[w.contact_a.email]]

    # 3. The contact approves it in the portal.
    page.goto(base + reverse("approvals:queue", args=[w.ws_a.slug]))
    page.get_by_role("link", name="Board minutes.pdf").click()
    expect(page.get_by_text("Please approve the board minutes.")).to_be_visible()
    page.get_by_label("Approve this version").check()
    page.get_by_label("Comment", exact=False).fill("Looks right to me.")
    page.get_by_role("button", name="Send my decision").click()
    expect(page.get_by_role("region", name="Your decision")).to_contain_text(
        f"you approved version {uploaded.current_version.number}")
    page.screenshot(path=tmp_path / "approved.png", full_page=True)
    approval.refresh_from_db()
    assert approval.status == Approval.Status.APPROVED

    # 4. The certificate names the version and its fingerprint.
    link = page.get_by_role("link", name="Sign-off certificate (PDF)")
    response = page.request.get(base + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    text = " ".join(text.split())
    version = uploaded.current_version
    assert "Board minutes.pdf" in text
    assert f"Version {version.number}" in text or f"version {version.number}" in text
    assert version.sha256 in text.replace(" ", "")
    assert w.contact_a.email in text and "Looks right to me." in text
    for context in (contact, staff):
        context.close()
