"""The staff side of billing in the Wagtail admin, through the real views: the Invoices area
(list, filters, export, the draft form with its lines, the read-only issued invoice), its
actions (issue, payment, void, credit note, duplicate, PDF), a workspace's Billing page
(who sees invoices and reports, "Make a report now") and the billing settings."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.log_actions import registry as log_registry

from billing.models import Invoice, Payment, Report, WorkspaceBilling
from workspaces import access
from workspaces.models import WorkspacePage, WorkspaceTeamMember

from ..factories import StaffFactory, publish

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"billing_admin:{name}", args=args)


def edit_url(invoice):
    return reverse("invoices:edit", args=[invoice.pk])


def html_of(response):
    return response.content.decode()


def texts_of(response):
    return [str(m) for m in response.context["messages"]]


def logs(obj, action):
    """The audit log entries of `obj` (an invoice, or a workspace page) for `action`."""
    return log_registry.get_logs_for_instance(obj).filter(action=action)


def admin_access_group():
    group, _created = Group.objects.get_or_create(name="Admin users")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                 codename="access_admin"))
    return group


def staff_of_b(w):
    """A staff member on workspace B's team only."""
    user = StaffFactory(email="bob-staff@firm.test")
    WorkspaceTeamMember.objects.create(page=w.ws_b, user=user, role="Account manager")
    publish(w.ws_b)
    return user


def line_data(lines, prefix="lines"):
    data = {f"{prefix}-TOTAL_FORMS": str(len(lines)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "1", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, (description, quantity, price, rate) in enumerate(lines):
        data.update({f"{prefix}-{i}-description": description,
                     f"{prefix}-{i}-quantity": quantity,
                     f"{prefix}-{i}-unit_price": price, f"{prefix}-{i}-tax_rate": rate,
                     f"{prefix}-{i}-discount": "0", f"{prefix}-{i}-ORDER": str(i + 1),
                     f"{prefix}-{i}-DELETE": "", f"{prefix}-{i}-id": ""})
    return data


def invoice_form(workspace, lines, **fields):
    data = {"workspace": workspace.pk, "issue_date": "", "due_date": "", "currency": "",
            "bill_to": "", "notes": "", "payment_instructions": ""}
    data.update(fields)
    data.update(line_data(lines))
    return data


def csv_rows(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


# ---------------------------------------------------------------------------- who may work here

def test_staff_of_another_team_can_neither_see_nor_act_on_a_invoices(bills, client_for):
    w = bills
    other = client_for(staff_of_b(w))
    listing = html_of(other.get(reverse("invoices:index")))
    assert "INV-T-0002" in listing and "INV-T-0001" not in listing
    exported = csv_rows(other.get(reverse("invoices:index") + "?export=csv"))
    assert [row[0] for row in exported[1:]] == ["INV-T-0002"]

    for invoice in (w.invoice_a, w.draft_a):
        for target in (edit_url(invoice), reverse("invoices:delete", args=[invoice.pk]),
                       reverse("invoices:history", args=[invoice.pk]),
                       url("issue", invoice.pk), url("duplicate", invoice.pk),
                       url("payment", invoice.pk), url("void", invoice.pk),
                       url("credit_note", invoice.pk), url("pdf", invoice.pk)):
            assert other.get(target).status_code == 404, target
    posts = {
        edit_url(w.draft_a): invoice_form(w.ws_a, [("Sneaky", "1", "1", "0")]),
        url("issue", w.draft_a.pk): {},
        url("duplicate", w.invoice_a.pk): {},
        url("payment", w.invoice_a.pk): {"amount": "10", "date": timezone.localdate(),
                                         "method": "cash"},
        url("void", w.invoice_a.pk): {"reason": "Sneaky"},
        url("credit_note", w.invoice_a.pk): {},
        reverse("invoices:delete", args=[w.draft_a.pk]): {},
        url("workspace", w.ws_a.pk): {"audience": "workspace", "report_audience": "workspace"},
        url("report", w.ws_a.pk): {"month": "2026-01"},
    }
    for target, data in posts.items():
        assert other.post(target, data).status_code == 404, target
    assert other.get(url("workspace", w.ws_a.pk)).status_code == 404
    assert other.get(url("report_download", w.report_a.pk)).status_code == 404
    # A's invoice cannot be created by picking A's workspace in the form either.
    response = other.post(reverse("invoices:add"),
                          invoice_form(w.ws_a, [("Sneaky", "1", "1", "0")]))
    assert response.status_code == 200
    assert "Select a valid choice" in html_of(response)

    # Nothing changed anywhere.
    assert Invoice.objects.count() == 3
    assert not Payment.objects.exists()
    assert Invoice.objects.get(pk=w.invoice_a.pk).state == Invoice.State.ISSUED
    assert Invoice.objects.get(pk=w.draft_a.pk).state == Invoice.State.DRAFT
    assert not Report.objects.exclude(pk=w.report_a.pk).exists()
    assert WorkspaceBilling.objects.get(workspace=w.ws_a).audience == "selected"

    # Staff who serve no workspace at all do not get the Invoices area.
    nobody = StaffFactory(email="nobody-staff@firm.test")
    nobody.groups.add(admin_access_group())
    for target in (reverse("invoices:index"), edit_url(w.invoice_a)):
        response = client_for(nobody).get(target)  # Wagtail's "permission denied": home
        assert response.status_code == 302 and response["Location"] == reverse(
            "wagtailadmin_home")
    # A contact never reaches the admin.
    response = client_for(w.contact_a).get(edit_url(w.invoice_a))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_team_member_lists_only_their_workspaces_and_superusers_see_all(bills,
                                                                            client_for):
    w = bills
    mine = html_of(client_for(w.staff).get(reverse("invoices:index")))
    assert "INV-T-0001" in mine and "INV-T-0002" not in mine
    assert f"Draft invoice #{w.draft_a.pk}" in mine
    assert client_for(w.staff).get(edit_url(w.invoice_b)).status_code == 404
    everything = html_of(client_for(w.admin).get(reverse("invoices:index")))
    assert "INV-T-0001" in everything and "INV-T-0002" in everything


def test_billing_button_on_workspace_pages_and_invoices_in_the_menu(bills, client_for):
    w = bills
    page = html_of(client_for(w.staff).get(reverse("wagtailadmin_pages:edit",
                                                   args=[w.ws_a.pk])))
    assert url("workspace", w.ws_a.pk) in page
    content = html_of(client_for(w.staff).get(reverse("wagtailadmin_pages:edit",
                                                      args=[w.page_a.pk])))
    assert url("workspace", w.ws_a.pk) not in content
    home = html_of(client_for(w.staff).get(reverse("wagtailadmin_home")))
    assert reverse("invoices:index") in home


# ---------------------------------------------------------------------------- the list

def test_list_columns_filters_and_export(bills, client_for):
    w = bills
    Invoice.objects.filter(pk=w.invoice_b.pk).update(
        due_date=timezone.localdate() - timedelta(days=3))
    admin = client_for(w.admin)
    html = html_of(admin.get(reverse("invoices:index")))
    for heading in ("Number", "Workspace", "Kind", "Status", "Issue date", "Due date",
                    "Total", "Balance"):
        assert heading in html
    assert "1,200.00 EUR" in html  # invoice_a: 1,000.00 + 20 % tax
    assert "118.80 EUR" in html  # the draft's total, computed live from its line

    def numbers(query):
        response = admin.get(reverse("invoices:index") + "?export=csv&" + query)
        return sorted(row[0] or "draft" for row in csv_rows(response)[1:])

    assert numbers("") == ["INV-T-0001", "INV-T-0002", "draft"]
    assert numbers("status=overdue") == ["INV-T-0002"]
    assert numbers("status=issued") == ["INV-T-0001"]
    assert numbers("status=draft") == ["draft"]
    assert numbers("status=paid") == []
    assert numbers(f"workspace={w.ws_a.pk}") == ["INV-T-0001", "draft"]
    today = timezone.localdate()
    assert numbers(f"issue_date_from={today:%Y-%m-%d}&issue_date_to={today:%Y-%m-%d}") \
        == ["INV-T-0001", "INV-T-0002"]
    assert numbers(f"issue_date_from={today + timedelta(days=1):%Y-%m-%d}") == []
    assert numbers(f"due_date_to={today:%Y-%m-%d}") == ["INV-T-0002"]

    response = admin.get(reverse("invoices:index") + "?export=csv")
    assert 'filename="invoices.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["Number", "Workspace", "Kind", "Status"]
    row = next(r for r in rows if r[0] == "INV-T-0001")
    assert row[1] == "Workspace A" and row[3] == "Issued"
    assert row[9] == "1200.00" and row[12] == "1200.00"  # total, balance
    overdue = next(r for r in rows if r[0] == "INV-T-0002")
    assert overdue[3] == "Overdue"
    xlsx = admin.get(reverse("invoices:index") + "?export=xlsx")
    assert xlsx.status_code == 200
    assert 'filename="invoices.xlsx"' in xlsx["Content-Disposition"]


def test_paid_status_filter_follows_payments(bills, client_for):
    w = bills
    Invoice.objects.filter(pk=w.invoice_a.pk).update(amount_paid=Decimal("1200"))
    Invoice.objects.filter(pk=w.invoice_b.pk).update(amount_paid=Decimal("10"))
    response = client_for(w.admin).get(reverse("invoices:index") + "?export=csv&status=paid")
    assert [r[0] for r in csv_rows(response)[1:]] == ["INV-T-0001"]
    response = client_for(w.admin).get(reverse("invoices:index") +
                                       "?export=csv&status=partly_paid")
    assert [r[0] for r in csv_rows(response)[1:]] == ["INV-T-0002"]


# ---------------------------------------------------------------------------- the draft form

def test_new_invoice_starts_with_the_workspace_defaults(bills, client_for):
    w = bills
    from billing.models import BillingSettings

    firm = BillingSettings.for_site(w.site)
    firm.payment_instructions = "IBAN FR76 0000 1111 2222"
    firm.save()
    html = html_of(client_for(w.staff).get(reverse("invoices:add") +
                                            f"?workspace={w.ws_a.pk}"))
    assert "Alpha Holdings Ltd" in html
    assert "IBAN FR76 0000 1111 2222" in html
    # Only the workspaces the staff member serves can be picked.
    assert f'value="{w.ws_a.pk}"' in html and f'value="{w.ws_b.pk}"' not in html


def test_staff_creates_a_draft_with_two_lines(bills, client_for):
    w = bills
    client = client_for(w.staff)
    response = client.post(reverse("invoices:add"), invoice_form(w.ws_a, [
        ("Monthly bookkeeping", "2", "450.00", "20"),
        ('Payroll <img src="http://10.0.0.1/x.png">', "1.5", "80.00", "5.5"),
    ], notes="Thank you."))
    assert response.status_code == 302, html_of(response)
    draft = Invoice.objects.exclude(pk__in=[w.invoice_a.pk, w.draft_a.pk, w.invoice_b.pk]).get()
    assert response["Location"] == edit_url(draft)
    assert (draft.state, draft.number, draft.workspace, draft.created_by) == (
        "draft", "", w.ws_a.specific, w.staff)
    # Defaults from the workspace's billing profile and the firm's settings.
    assert draft.currency == "EUR"
    assert draft.bill_to.startswith("Alpha Holdings Ltd")
    lines = list(draft.lines.order_by("sort_order"))
    assert [(line.description, line.quantity, line.unit_price, line.tax_rate)
            for line in lines] == [
        ("Monthly bookkeeping", Decimal("2"), Decimal("450"), Decimal("20")),
        ('Payroll <img src="http://10.0.0.1/x.png">', Decimal("1.5"), Decimal("80"),
         Decimal("5.5"))]
    assert logs(draft, "wagtail.create").exists()

    page = client.get(edit_url(draft))
    html = html_of(page)
    assert page.status_code == 200
    assert 'name="lines-TOTAL_FORMS"' in html  # a draft is edited through the form
    assert "Monthly bookkeeping" in html
    assert url("issue", draft.pk) in html
    # The markup typed in a description is text, never an element.
    assert '<img src="http://10.0.0.1/x.png">' not in html

    # Edited: a line changed, saved again.
    data = invoice_form(w.ws_a, [("Monthly bookkeeping", "3", "450.00", "20")])
    data.update({"lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "2",
                 "lines-0-id": str(lines[0].pk), "lines-1-id": str(lines[1].pk),
                 "lines-1-description": "x", "lines-1-quantity": "1",
                 "lines-1-unit_price": "1", "lines-1-tax_rate": "0", "lines-1-discount": "0",
                 "lines-1-ORDER": "2", "lines-1-DELETE": "1"})
    response = client.post(edit_url(draft), data)
    assert response.status_code == 302, html_of(response)
    assert [(line.description, line.quantity) for line in draft.lines.all()] == [
        ("Monthly bookkeeping", Decimal("3"))]


def test_the_form_names_the_line_in_error_and_stores_nothing(bills, client_for):
    w = bills
    client = client_for(w.staff)
    before = Invoice.objects.count()
    response = client.post(reverse("invoices:add"), invoice_form(w.ws_a, [
        ("Fine line", "1", "10.00", "20"),
        ("Nothing at all", "0", "10.00", "20"),
    ]))
    assert response.status_code == 200
    html = html_of(response)
    assert "The quantity must be more than zero" in html
    assert "Some lines need correcting" in html
    lines = response.context["form"].formsets["lines"].forms
    assert not lines[0].errors  # the message is on the second line's quantity
    assert "The quantity must be more than zero" in lines[1].errors["quantity"][0]
    assert Invoice.objects.count() == before

    response = client.post(reverse("invoices:add"), invoice_form(w.ws_a, [
        ("Odd price", "1", "10.005", "20")]))
    lines = response.context["form"].formsets["lines"].forms
    assert lines[0].errors["unit_price"] == [
        "The unit price can have at most 2 decimals in EUR."]
    assert "The unit price can have at most 2 decimals in EUR." in html_of(response)
    response = client.post(reverse("invoices:add"), invoice_form(
        w.ws_a, [("Yen", "1", "10", "0")], currency="XYZ"))
    assert "“XYZ” is not an ISO 4217 currency code" in html_of(response)
    response = client.post(reverse("invoices:add"), invoice_form(w.ws_a, [
        ("Deposit already paid", "1", "-500.00", "0"), ("Work", "1", "100.00", "0")]))
    assert "credit line" in html_of(response)
    assert Invoice.objects.count() == before


# ---------------------------------------------------------------------------- actions

def test_issue_assigns_the_number_and_emails_the_billing_contacts(
        bills, client_for, django_capture_on_commit_callbacks):
    w = bills
    client = client_for(w.staff)
    confirm = html_of(client.get(url("issue", w.draft_a.pk)))
    assert "ann@alpha.test" in confirm and "arno@alpha.test" not in confirm
    assert access.visible(w.contact_a, w.ws_a, Invoice.objects.filter(pk=w.draft_a.pk)) \
        .count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("issue", w.draft_a.pk))
    assert response.status_code == 302
    issued = Invoice.objects.get(pk=w.draft_a.pk)
    assert issued.state == Invoice.State.ISSUED
    assert re.fullmatch(r"INV-\d{4}-0001", issued.number)
    assert issued.total == Decimal("118.80") and issued.issued_by == w.staff
    assert [m.to for m in mail.outbox] == [["ann@alpha.test"]]
    assert issued.number in mail.outbox[0].subject + mail.outbox[0].body
    assert logs(issued, "billing.issue").get().data["number"] == issued.number
    assert access.visible(w.contact_a, w.ws_a, Invoice.objects.filter(pk=issued.pk)).exists()
    follow = client.get(response["Location"])
    assert f"{issued.number} issued for 118.80 EUR" in " ".join(texts_of(follow))
    # Issuing twice is refused: the number stays.
    client.post(url("issue", w.draft_a.pk))
    assert Invoice.objects.get(pk=w.draft_a.pk).number == issued.number


def test_an_issued_invoice_is_read_only(bills, client_for):
    w = bills
    client = client_for(w.staff)
    page = client.get(edit_url(w.invoice_a))
    html = html_of(page)
    assert page.status_code == 200
    assert 'name="lines-TOTAL_FORMS"' not in html
    for text in ("Bookkeeping, March", "Payroll run", "1,200.00 EUR", "200.00 EUR",
                 url("payment", w.invoice_a.pk), url("void", w.invoice_a.pk),
                 url("credit_note", w.invoice_a.pk), url("pdf", w.invoice_a.pk),
                 url("duplicate", w.invoice_a.pk)):
        assert text in html, text
    assert "Tax 20 % on 1,000.00 EUR" in html  # the tax summary
    assert "ann@alpha.test" in html  # who sees it

    response = client.post(edit_url(w.invoice_a), invoice_form(
        w.ws_a, [("Changed after issue", "1", "1.00", "0")], bill_to="Someone else"))
    assert response.status_code == 302
    invoice = Invoice.objects.get(pk=w.invoice_a.pk)
    assert invoice.bill_to == "" and invoice.total == Decimal("1200")
    assert [line.description for line in invoice.lines.all()] == [
        "Bookkeeping, March", "Payroll run"]
    assert "can no longer be edited" in " ".join(texts_of(client.get(response["Location"])))
    # Nor deleted.
    client.post(reverse("invoices:delete", args=[w.invoice_a.pk]))
    assert Invoice.objects.filter(pk=w.invoice_a.pk).exists()


def test_record_payment_lowers_the_balance_and_refuses_too_much(bills, client_for):
    w = bills
    client = client_for(w.staff)
    form = html_of(client.get(url("payment", w.invoice_a.pk)))
    assert "Still owed: 1200.00" in form
    response = client.post(url("payment", w.invoice_a.pk), {
        "amount": "2000.00", "date": timezone.localdate(), "method": "bank_transfer"})
    assert response.status_code == 400
    assert "larger than what is still owed (1200.00 EUR)" in html_of(response)
    response = client.post(url("payment", w.invoice_a.pk), {
        "amount": "10.001", "date": timezone.localdate(), "method": "bank_transfer"})
    assert "at most 2 decimals in EUR" in html_of(response)
    assert not Payment.objects.exists()

    response = client.post(url("payment", w.invoice_a.pk), {
        "amount": "200.00", "date": timezone.localdate(), "method": "bank_transfer",
        "reference": "SEPA 42"})
    assert response.status_code == 302
    invoice = Invoice.objects.get(pk=w.invoice_a.pk)
    assert invoice.balance == Decimal("1000") and invoice.status == "partly_paid"
    payment = invoice.payments.get()
    assert (payment.amount, payment.reference, payment.recorded_by) == (
        Decimal("200"), "SEPA 42", w.staff)
    assert logs(invoice, "billing.payment").get().data["amount"] == "200.00"
    page = html_of(client.get(edit_url(invoice)))
    assert "SEPA 42" in page and "1,000.00 EUR" in page and "Partly paid" in page


def test_void_needs_a_reason(bills, client_for):
    w = bills
    client = client_for(w.staff)
    response = client.post(url("void", w.invoice_a.pk), {"reason": "  "})
    assert response.status_code == 400
    assert Invoice.objects.get(pk=w.invoice_a.pk).state == Invoice.State.ISSUED
    response = client.post(url("void", w.invoice_a.pk), {"reason": "Sent to the wrong client"})
    assert response.status_code == 302
    invoice = Invoice.objects.get(pk=w.invoice_a.pk)
    assert (invoice.state, invoice.void_reason, invoice.number) == (
        "void", "Sent to the wrong client", "INV-T-0001")
    assert logs(invoice, "billing.void").exists()
    html = html_of(client.get(edit_url(invoice)))
    assert "Sent to the wrong client" in html and url("payment", invoice.pk) not in html


def test_credit_note_corrects_the_invoice(bills, client_for,
                                          django_capture_on_commit_callbacks):
    w = bills
    client = client_for(w.staff)
    response = client.post(url("credit_note", w.invoice_a.pk))
    assert response.status_code == 302
    note = Invoice.objects.get(credits=w.invoice_a)
    assert response["Location"] == edit_url(note)
    assert (note.kind, note.state, note.workspace_id) == ("credit_note", "draft", w.ws_a.pk)
    assert note.lines.count() == 2
    draft_page = html_of(client.get(edit_url(note)))
    assert "This credit note corrects INV-T-0001, on which 1,200.00 EUR is still owed" \
        in draft_page

    # Staff keep one line (the payroll run, 150 + 20 %) and issue it.
    lines = list(note.lines.order_by("sort_order"))
    data = invoice_form(w.ws_a, [("Bookkeeping, March", "10", "85.00", "20"),
                                 ("Payroll run", "1", "150.00", "20")], currency="EUR")
    data.update({"lines-INITIAL_FORMS": "2", "lines-0-id": str(lines[0].pk),
                 "lines-1-id": str(lines[1].pk), "lines-0-DELETE": "1"})
    response = client.post(edit_url(note), data)
    assert response.status_code == 302, html_of(response)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("issue", note.pk))
    note.refresh_from_db()
    assert note.state == "issued" and note.number.startswith("CN-")
    invoice = Invoice.objects.get(pk=w.invoice_a.pk)
    assert invoice.amount_credited == Decimal("180") and invoice.balance == Decimal("1020")
    page = html_of(client.get(edit_url(invoice)))
    assert note.number in page and "180.00 EUR" in page


def test_duplicate_makes_a_new_draft(bills, client_for):
    w = bills
    response = client_for(w.staff).post(url("duplicate", w.invoice_a.pk))
    copy = Invoice.objects.exclude(pk__in=[w.invoice_a.pk, w.draft_a.pk, w.invoice_b.pk]).get()
    assert response["Location"] == edit_url(copy)
    assert (copy.state, copy.number, copy.workspace_id) == ("draft", "", w.ws_a.pk)
    assert [line.description for line in copy.lines.all()] == [
        "Bookkeeping, March", "Payroll run"]
    assert logs(copy, "billing.duplicate").get().data["from"] == "INV-T-0001"


def test_download_pdf(bills, client_for):
    w = bills
    response = client_for(w.staff).get(url("pdf", w.invoice_a.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "INV-T-0001" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


def test_history_lists_the_actions(bills, client_for):
    w = bills
    client = client_for(w.staff)
    client.post(url("payment", w.invoice_a.pk), {
        "amount": "24.00", "date": timezone.localdate(), "method": "cash"})
    html = html_of(client.get(edit_url(w.invoice_a)))
    assert "Payment recorded" in html
    assert client.get(reverse("invoices:history", args=[w.invoice_a.pk])).status_code == 200


# ---------------------------------------------------------------------------- workspace page

def profile_data(**fields):
    data = {"audience": "selected", "contacts": [], "report_audience": "selected",
            "report_contacts": [], "bill_to": "Alpha Holdings Ltd", "client_tax_id": "",
            "currency": "", "monthly_reports": ""}
    data.update(fields)
    return data


def test_profile_change_regrants_the_invoices(bills, client_for):
    w = bills
    client = client_for(w.staff)
    page = html_of(client.get(url("workspace", w.ws_a.pk)))
    assert "ann@alpha.test" in page and "Alpha Holdings Ltd" in page
    form = page.split('class="billing-profile"')[1].split("</form>")[0]
    assert "ann@alpha.test" in form and "arno@alpha.test" in form
    assert "rita@alpha.test" not in form  # removed from the workspace: not offered

    def a2_sees():
        workspace = WorkspacePage.objects.get(pk=w.ws_a.pk)  # no cached profile
        return access.visible(w.contact_a2, workspace, Invoice.objects.all()).filter(
            pk=w.invoice_a.pk).exists()

    assert not a2_sees()
    response = client.post(url("workspace", w.ws_a.pk), profile_data(
        contacts=[w.contact_a.pk, w.contact_a2.pk], report_contacts=[w.contact_a.pk]))
    assert response.status_code == 302, html_of(response)
    assert a2_sees()
    assert access.visible(w.contact_a2, WorkspacePage.objects.get(pk=w.ws_a.pk),
                          Report.objects.all()).count() == 0
    assert logs(w.ws_a.specific, "billing.profile").get().data["contacts"] == [
        "ann@alpha.test", "arno@alpha.test"]

    # "Chosen contacts" with nobody chosen is refused, clearly; nothing changes.
    response = client.post(url("workspace", w.ws_a.pk), profile_data())
    assert response.status_code == 400
    assert escape("Choose at least one contact, or pick “Firm staff only”.") in html_of(response)
    assert a2_sees()
    # So is a contact who is not an active member (removed, or of another workspace).
    for outsider in (w.removed, w.contact_b):
        response = client.post(url("workspace", w.ws_a.pk), profile_data(
            contacts=[w.contact_a.pk, outsider.pk], report_contacts=[w.contact_a.pk]))
        assert response.status_code == 400
        assert "Only active members of this workspace can be chosen" in html_of(response)
    assert a2_sees()
    # A bad currency is refused too.
    response = client.post(url("workspace", w.ws_a.pk), profile_data(
        audience="staff", report_audience="staff", currency="EURO"))
    assert response.status_code == 400
    assert a2_sees()
    response = client.post(url("workspace", w.ws_a.pk), profile_data(
        audience="staff", report_audience="staff", currency="usd"))
    assert response.status_code == 302
    assert not a2_sees()
    assert not access.visible(w.contact_a, WorkspacePage.objects.get(pk=w.ws_a.pk),
                              Invoice.objects.all()).exists()
    assert WorkspaceBilling.objects.get(workspace=w.ws_a).currency == "USD"


def test_make_a_report_now(bills, client_for, django_capture_on_commit_callbacks):
    w = bills
    client = client_for(w.staff)
    page = html_of(client.get(url("workspace", w.ws_a.pk)))
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    assert f'value="{last_month:%Y-%m}"' in page  # last month picked by default
    assert url("report_download", w.report_a.pk) in page

    future = (timezone.localdate().replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    response = client.post(url("report", w.ws_a.pk), {"month": future})
    assert response.status_code == 400 and "a month that has begun" in html_of(response)
    response = client.post(url("report", w.ws_a.pk), {"month": "last May"})
    assert response.status_code == 400
    assert Report.objects.filter(workspace=w.ws_a).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("report", w.ws_a.pk), {"month": f"{last_month:%Y-%m}"})
    assert response.status_code == 302
    report = Report.objects.exclude(pk=w.report_a.pk).get()
    assert (report.workspace_id, report.month, report.requested_by) == (
        w.ws_a.pk, last_month, w.staff)
    report.refresh_from_db()
    assert report.state == Report.State.READY, report.error
    assert logs(w.ws_a.specific, "billing.report_request").exists()

    download = client.get(url("report_download", report.pk))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert body.startswith(b"%PDF")


# ---------------------------------------------------------------------------- settings

def test_billing_settings_have_clear_panels_and_show_the_next_number(bills, client_for):
    w = bills
    response = client_for(w.admin).get(
        reverse("wagtailsettings:edit", args=["billing", "billingsettings", w.site.pk]))
    assert response.status_code == 200
    html = html_of(response)
    for heading in ("Firm on invoices", "Numbering", "Payment"):
        assert heading in html
    year = timezone.localdate().year
    assert f"the next invoice will be numbered INV-{year}-0001" in html
    assert f"credit note CN-{year}-0001" in html
