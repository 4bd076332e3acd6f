"""Demo folders, files and approvals for `manage.py load_demo`. Safe to run twice: a workspace
that already has folders is left as it is."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from . import approvals, services
from .models import Folder

EVERYONE = {"view": {"everyone": True}, "upload": {"everyone": True}}
READ_ONLY = {"view": {"everyone": True}}

# Per workspace slug: folders (name, grants or a list of contact emails, files), approvals
# (file name, reviewers, message, decisions: (email, "approved"|"changes", comment)).
DEMO = {
    "harbor-bakery": {
        "folders": [
            ("Tax return 2025", EVERYONE, [
                ("2025 tax return - draft.pdf", "pdf", "Draft 2025 tax return",
                 ["Income: 412,300", "Deductions: 38,950", "Tax due: 61,420"]),
                ("Receipts checklist.csv", "csv", None,
                 [("Item", "Status"), ("Bank statements Jan-Dec", "received"),
                  ("Vehicle log", "missing"), ("Equipment invoices", "received")]),
            ]),
            ("Payroll", ["ben@harborbakery.example"], [
                ("Payroll summary Q1.pdf", "pdf", "Payroll summary, first quarter",
                 ["Gross salaries: 86,400", "Employer taxes: 11,230"]),
            ]),
            ("Bookkeeping", READ_ONLY, [
                ("Shop front.png", "png", "#0f4c5c", None),
                ("Profit and loss 2025.pdf", "pdf", "Profit and loss, 2025",
                 ["Revenue: 612,000", "Cost of goods: 241,800", "Net profit: 97,350"]),
            ]),
        ],
        "internal": ("Working papers", [
            ("Engagement letter - signed.pdf", "pdf", "Engagement letter", ["Signed copy"]),
        ]),
        "approvals": [
            ("2025 tax return - draft.pdf", ["alice@harborbakery.example"],
             "Please review the draft return before we file it on 15 April.", []),
        ],
    },
    "lumen-studio": {
        "folders": [
            ("Campaign assets", EVERYONE, [
                ("Concept board.png", "png", "#e36414", None),
                ("Creative brief.pdf", "pdf", "Spring campaign - creative brief",
                 ["Audience: urban commuters 25-40", "Channels: social, outdoor, radio"]),
            ]),
            ("Contracts", READ_ONLY, [
                ("Statement of work.pdf", "pdf", "Statement of work",
                 ["Phase 1: concepts", "Phase 2: production", "Fee: 48,000"]),
            ]),
        ],
        "approvals": [
            ("Statement of work.pdf", ["dana@lumenstudio.example"],
             "Please approve the statement of work so that we can book the shoot.",
             [("dana@lumenstudio.example", "approved", "Approved, thank you.")]),
        ],
    },
    "keystone-logistics": {
        "folders": [
            ("Monthly reports", EVERYONE, [
                ("October uptime report.pdf", "pdf", "October uptime report",
                 ["Uptime: 99.98%", "Patches applied: 2", "Tickets closed: 14"]),
            ]),
        ],
        "approvals": [],
    },
}


def pdf_bytes(title, lines):
    from weasyprint import HTML

    items = "".join(f"<li>{line}</li>" for line in lines)
    html = (f"<html><body style='font-family: sans-serif'><h1>{title}</h1><ul>{items}</ul>"
            "<p>Northwind Advisory - demo document.</p></body></html>")
    return HTML(string=html).write_pdf()


def png_bytes(colour):
    image = Image.new("RGB", (640, 420), colour)
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.rectangle([40 + i * 95, 300 - i * 35, 110 + i * 95, 380], fill="#ffffff")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def csv_bytes(rows):
    return "\n".join(",".join(row) for row in rows).encode() + b"\n"


def make_upload(name, kind, arg, extra):
    if kind == "pdf":
        content, ctype = pdf_bytes(arg, extra), "application/pdf"
    elif kind == "png":
        content, ctype = png_bytes(arg), "image/png"
    else:
        content, ctype = csv_bytes(extra), "text/csv"
    return SimpleUploadedFile(name, content, content_type=ctype)


def load(workspace, users, staff):
    spec = DEMO.get(workspace.slug)
    if spec is None or Folder.objects.filter(workspace=workspace).exists():
        return
    files = {}
    for name, grants, entries in spec["folders"]:
        if isinstance(grants, list):
            chosen = {"everyone": False, "users": {users[email].pk for email in grants}}
            grants = {"view": chosen, "upload": dict(chosen)}
        folder = services.create_folder(workspace, name, user=staff, grants=grants)
        for entry in entries:
            files[entry[0]] = services.add_file(folder, make_upload(*entry), user=staff)
    if spec.get("internal"):
        name, entries = spec["internal"]
        folder = services.create_folder(workspace, name, user=staff, staff_only=True)
        for entry in entries:
            services.add_file(folder, make_upload(*entry), user=staff)
    for file_name, reviewers, message, decisions in spec["approvals"]:
        approval = approvals.request_approval(
            files[file_name], [users[email] for email in reviewers], message, None, staff)
        for email, decision, comment in decisions:
            approvals.decide(approval, users[email], decision, comment, "203.0.113.24")
