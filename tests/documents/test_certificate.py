"""The sign-off certificate PDF: what it says, read back from the PDF itself."""

import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from documents import approvals, services
from documents.certificate import certificate_pdf
from documents.models import ApprovalDecision

from ..samples import pdf_upload

pytestmark = pytest.mark.django_db


def _text(pdf_bytes, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf_bytes)
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"[ \t]+", " ", text)


def test_certificate_names_the_version_hash_and_decisions(docs, tmp_path):
    w = docs
    w.firm.footer_text = "Acme Advisers LLP · 1 Main Street"
    w.firm.save()
    version = w.file_a.current_version
    approvals.decide(w.approval_a, w.contact_a, ApprovalDecision.Decision.APPROVED,
                     comment="Checked against the ledger.", ip="203.0.113.7")
    pdf = certificate_pdf(w.approval_a)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf, tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert "Acme Advisers Portal" in text
    assert "Acme Advisers LLP" in text  # the firm's footer
    assert "Sign-off certificate" in text
    assert "Workspace A" in text
    assert "salaries.pdf" in text
    assert "version 2" in text
    assert version.sha256 in flat  # in full (it may wrap across lines)
    # Compared without spaces: extraction splits kerned pairs ("T aylor" for "Taylor").
    assert re.sub(r"\s+", "", w.contact_a.get_full_name()) in flat
    assert "ann@alpha.test" in text
    assert "203.0.113.7" in text
    assert "Checked against the ledger." in text
    assert "Approved" in text
    assert "staff@firm.test" in text  # who asked
    assert "Please approve the payroll summary." in text
    assert "UTC" in text and "Generated on" in text
    # Reviewers who did not decide are named as such.
    assert "rex@alpha.test" in text


def test_certificate_keeps_earlier_versions_apart(docs, tmp_path):
    w = docs
    approvals.decide(w.approval_a, w.contact_a, ApprovalDecision.Decision.CHANGES,
                     comment="Wrong month.", ip="198.51.100.4")
    old_sha = w.file_a.current_version.sha256
    new = services.add_version(w.file_a, pdf_upload("salaries.pdf", pages=3), user=w.staff)
    approvals.decide(w.approval_a, w.contact_a, ApprovalDecision.Decision.APPROVED,
                     ip="198.51.100.5")
    text = _text(certificate_pdf(w.approval_a), tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert "Decisions on version 3" in text
    assert "Decisions on earlier versions" in text
    assert new.sha256 in flat and old_sha in flat
    assert text.index("198.51.100.5") < text.index("Decisions on earlier versions") < \
        text.index("198.51.100.4")
    assert "Wrong month." in text


def test_certificate_needs_a_decision(docs):
    with pytest.raises(ValueError, match="at least one decision"):
        certificate_pdf(docs.approval_a)


def test_hostile_comment_is_text_in_the_certificate(docs, tmp_path):
    w = docs
    approvals.decide(w.approval_a, w.contact_a, ApprovalDecision.Decision.CHANGES,
                     comment='<img src="http://198.51.100.9/track.png"> <b>bold</b>')
    text = _text(certificate_pdf(w.approval_a), tmp_path)
    assert '<img src="http://198.51.100.9/track.png">' in text
    assert "<b>bold</b>" in text


def test_certificate_renders_to_an_image(docs, tmp_path):
    """pdftoppm (poppler) reads it: a real, well-formed PDF page. The PNG is kept under
    tmp_path for a look."""
    w = docs
    approvals.decide(w.approval_a, w.contact_a, ApprovalDecision.Decision.APPROVED,
                     comment="Fine by me.", ip="203.0.113.7")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(certificate_pdf(w.approval_a))
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler-utils is needed: apt-get install poppler-utils"
    subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(tmp_path / "page")],  # noqa: S603
                   check=True, timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages
    from PIL import Image

    image = Image.open(pages[0]).convert("RGB")
    assert image.size[0] > 400 and image.size[1] > 600  # A4 at 60 dpi: 496 x 702
    # The letterhead rule is drawn in the firm's primary colour (#1f4e79).
    colours = {colour for _count, colour in image.getcolors(maxcolors=1 << 20)}
    assert any(abs(r - 0x1F) < 12 and abs(g - 0x4E) < 12 and abs(b - 0x79) < 12
               for r, g, b in colours)
