"""Every change to an invoice goes through here, for the admin and for anything else.

- `issue` turns a draft into an invoice (or credit note) with a number: one transaction locks
  the invoice, checks it (`billing.validation`), takes the next number of its series
  (`billing.numbering`), freezes the totals and the printed details, grants the workspace's
  billing contacts the right to see it, and once committed emails them.
- `record_payment`, `void` and `credit_note` are the only things that happen to an issued
  invoice; `duplicate` starts a new draft from any invoice.

Amounts are `Decimal` and computed by `billing.money`. Functions raise ValidationError with a
message for the person who asked when something cannot be done; nothing is stored then.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audience, emails, money, numbering, validation
from .models import Invoice, InvoiceLine, Payment
from .validation import clean_line, validate_invoice  # noqa: F401 - part of this API

logger = logging.getLogger(__name__)

ZERO = Decimal("0")
VOID_REASON_MAX = 300
REFERENCE_MAX = 120


def _show(amount, currency):
    return money.format_money(amount, currency)


def _lock(invoice):
    return (Invoice.objects.select_for_update(of=("self",)).select_related("workspace")
            .get(pk=invoice.pk))


def _refresh(target, source):
    """Copy the stored state of `source` onto the caller's object."""
    for field in Invoice._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


# ---------------------------------------------------------------------------- totals

def draft_totals(invoice):
    """The invoice's totals and tax summary: computed live from the lines of a draft (saved or
    still in a form), the frozen amounts once issued."""
    currency = invoice.currency
    totals = money.compute(list(invoice.lines.all()), currency)
    if invoice.state != Invoice.State.DRAFT:
        totals.subtotal = money.round_money(invoice.subtotal, currency)
        totals.tax_total = money.round_money(invoice.tax_total, currency)
        totals.total = money.round_money(invoice.total, currency)
    return totals


# ---------------------------------------------------------------------------- issue

def issue(invoice, user, on_date=None):
    """Issue a draft: number it, freeze it, show it to the workspace's billing contacts and
    email them. Returns the invoice (the object passed in, updated)."""
    with transaction.atomic():
        locked = _lock(invoice)
        if locked.state != Invoice.State.DRAFT:
            raise ValidationError(_("%s has already been issued.") % locked
                                  if locked.state == Invoice.State.ISSUED
                                  else _("%s is void and cannot be issued.") % locked)
        lines = list(locked.lines.all())
        corrected = None
        if locked.kind == Invoice.Kind.CREDIT_NOTE and locked.credits_id:
            corrected = _lock(Invoice(pk=locked.credits_id))
        totals = validate_invoice(locked, lines, for_issue=True, corrected=corrected)

        workspace = locked.workspace
        site = workspace.get_site()
        settings = numbering.settings_for(site)
        profile = audience.profile_for(workspace)
        issue_date = locked.issue_date or on_date or timezone.localdate()
        if locked.due_date and locked.due_date < issue_date:
            raise ValidationError(_("The due date (%(due)s) is before the issue date "
                                    "(%(issued)s).") % {"due": locked.due_date,
                                                        "issued": issue_date})
        locked.number = numbering.next_number(site, locked.kind, issue_date)
        locked.issue_date = issue_date
        if locked.kind == Invoice.Kind.INVOICE and not locked.due_date:
            locked.due_date = issue_date + timedelta(days=settings.payment_terms_days)
        locked.bill_to = locked.bill_to.strip() or profile.bill_to
        if locked.kind == Invoice.Kind.INVOICE and not locked.payment_instructions.strip():
            locked.payment_instructions = settings.payment_instructions
        locked.subtotal, locked.tax_total, locked.total = (
            totals.subtotal, totals.tax_total, totals.total)
        locked.state = Invoice.State.ISSUED
        locked.issued_at = timezone.now()
        locked.issued_by = user if user and user.pk else None
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise ValidationError(
                _("The number %s is already used by another invoice. Give each Site its own "
                  "number prefix in the billing settings.") % locked.number) from None
        if corrected is not None:
            corrected.amount_credited += locked.total
            corrected.save(update_fields=["amount_credited"])
        audience.sync_invoices(workspace, [locked])
        emails.notify_issued_on_commit(locked)
    _refresh(invoice, locked)
    logger.info("Invoice %s issued as %s by %s", invoice.pk, invoice.number, user)
    return invoice


# ---------------------------------------------------------------------------- payments

def record_payment(invoice, amount, date=None, method=Payment.Method.BANK_TRANSFER,
                   reference="", user=None):
    """Record money received against an issued invoice; returns the Payment."""
    method = method or Payment.Method.BANK_TRANSFER
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("Choose how it was paid.")})
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationError({"date": _("The payment date (%s) is in the future.") % date})
    reference = validation.clean_text(reference)
    if len(reference) > REFERENCE_MAX:
        raise ValidationError({"reference": _("The reference is at most %d characters.")
                               % REFERENCE_MAX})
    with transaction.atomic():
        locked = _lock(invoice)
        currency = locked.currency
        if locked.kind == Invoice.Kind.CREDIT_NOTE:
            raise ValidationError(_("%s is a credit note: payments are recorded against "
                                    "invoices.") % locked)
        if locked.state == Invoice.State.DRAFT:
            raise ValidationError(_("This invoice is still a draft: issue it before recording "
                                    "a payment."))
        if locked.state == Invoice.State.VOID:
            raise ValidationError(_("%s is void: no payment can be recorded against it.")
                                  % locked)
        try:
            amount = money.parse_amount(amount, currency, _("The amount"))
        except ValidationError as error:
            raise ValidationError({"amount": error.messages}) from None
        if amount <= 0:
            raise ValidationError({"amount": _("The amount must be more than zero.")})
        balance = locked.balance
        if balance <= 0:
            raise ValidationError({"amount": _("%s has nothing left to pay.") % locked})
        if amount > balance:
            raise ValidationError({"amount": _(
                "The balance is %(balance)s; a payment of %(amount)s is more than that.") % {
                    "balance": _show(balance, currency), "amount": _show(amount, currency)}})
        payment = Payment.objects.create(
            invoice=locked, amount=amount, date=date, method=method, reference=reference,
            recorded_by=user if user and user.pk else None)
        locked.amount_paid += amount
        locked.save(update_fields=["amount_paid"])
    _refresh(invoice, locked)
    return payment


# ---------------------------------------------------------------------------- void

def void(invoice, user, reason):
    """Cancel an issued invoice or credit note that nothing depends on. It keeps its number
    (numbers are never reused) and stays visible to the contacts, marked void."""
    reason = validation.clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why it is voided: a reason is required.")})
    if len(reason) > VOID_REASON_MAX:
        raise ValidationError({"reason": _("The reason is at most %d characters.")
                               % VOID_REASON_MAX})
    with transaction.atomic():
        locked = _lock(invoice)
        if locked.state == Invoice.State.DRAFT:
            raise ValidationError(_("A draft has no number yet: delete it instead of voiding "
                                    "it."))
        if locked.state == Invoice.State.VOID:
            raise ValidationError(_("%s is already void.") % locked)
        if locked.payments.exists():
            raise ValidationError(_("%s has payments recorded against it, so it cannot be "
                                    "voided: credit it instead.") % locked)
        credit_notes = list(locked.credit_notes.filter(state=Invoice.State.ISSUED)
                            .values_list("number", flat=True))
        if credit_notes:
            raise ValidationError(
                _("%(invoice)s has been partly credited (%(notes)s), so it cannot be voided: "
                  "credit the rest instead.") % {"invoice": locked,
                                                 "notes": ", ".join(credit_notes)})
        if locked.kind == Invoice.Kind.CREDIT_NOTE and locked.credits_id:
            corrected = _lock(Invoice(pk=locked.credits_id))
            corrected.amount_credited = max(corrected.amount_credited - locked.total, ZERO)
            corrected.save(update_fields=["amount_credited"])
        locked.state = Invoice.State.VOID
        locked.voided_at = timezone.now()
        locked.void_reason = reason
        locked.save(update_fields=["state", "voided_at", "void_reason"])
        audience.sync_invoices(locked.workspace, [locked])
    _refresh(invoice, locked)
    logger.info("Invoice %s (%s) voided by %s", invoice.pk, invoice.number, user)
    return invoice


# ---------------------------------------------------------------------------- new drafts

def _copy_lines(source):
    return [{name: getattr(line, name) for name in validation.LINE_FIELDS}
            for line in source.lines.all()]


def _create_draft(template, user, lines, **fields):
    draft = Invoice(workspace_id=template.workspace_id, currency=template.currency,
                    created_by=user if user and user.pk else None, **fields)
    totals = validate_invoice(draft, lines)
    cleaned, _messages = validation.clean_lines(lines, draft.currency, draft.kind)
    with transaction.atomic():
        draft.save()
        InvoiceLine.objects.bulk_create([
            InvoiceLine(invoice=draft, sort_order=order, **values)
            for order, values in enumerate(cleaned)])
    return draft, totals


def credit_note(invoice, user, lines=None):
    """A draft credit note correcting `invoice` (same workspace and currency), with `lines`
    (dicts or InvoiceLine objects) or, by default, a copy of the invoice's lines.

    Given lines are checked now against every rule, the amount still owed included. Copied
    lines are checked line by line only: when the invoice has been partly paid or credited,
    staff adjust the draft, and the amount is checked again when it is issued.
    """
    corrected = Invoice.objects.get(pk=invoice.pk)
    draft = Invoice(workspace_id=corrected.workspace_id, currency=corrected.currency,
                    kind=Invoice.Kind.CREDIT_NOTE, credits=corrected)
    problems = validation.check_corrected(draft, corrected)
    if not problems and validation.credit_cap(corrected) <= 0:
        problems.append(_("Nothing is owed on %s any more: there is nothing to credit.")
                        % corrected)
    if problems:
        raise ValidationError(problems)
    if lines is None:
        lines = _copy_lines(corrected)
        cleaned, messages = validation.clean_lines(lines, corrected.currency, draft.kind)
        if messages:
            raise ValidationError(messages)
        with transaction.atomic():
            draft.created_by = user if user and user.pk else None
            draft.bill_to = corrected.bill_to
            draft.notes = _("Corrects invoice %s.") % corrected.number
            draft.save()
            InvoiceLine.objects.bulk_create([
                InvoiceLine(invoice=draft, sort_order=order, **values)
                for order, values in enumerate(cleaned)])
        return draft
    draft, _totals = _create_draft(
        corrected, user, list(lines), kind=Invoice.Kind.CREDIT_NOTE, credits=corrected,
        bill_to=corrected.bill_to, notes=_("Corrects invoice %s.") % corrected.number)
    return draft


def duplicate(invoice, user):
    """A new draft with the same workspace, kind, currency, notes and lines; no number, no
    dates, and the bill-to and payment instructions left empty so that issuing fills in the
    current ones."""
    source = Invoice.objects.get(pk=invoice.pk)
    lines = _copy_lines(source)
    draft = Invoice(workspace_id=source.workspace_id, currency=source.currency,
                    kind=source.kind, credits_id=source.credits_id, notes=source.notes,
                    created_by=user if user and user.pk else None)
    cleaned, messages = validation.clean_lines(lines, source.currency, source.kind)
    if messages:
        raise ValidationError(messages)
    with transaction.atomic():
        draft.save()
        InvoiceLine.objects.bulk_create([
            InvoiceLine(invoice=draft, sort_order=order, **values)
            for order, values in enumerate(cleaned)])
    return draft


def create_draft(workspace, user, lines=(), currency=None, **fields):
    """A new draft invoice in `workspace`, its lines checked (for scripts, demos and tests;
    the admin's form does the same through `validate_invoice`)."""
    if currency is None:
        profile = audience.profile_for(workspace)
        currency = profile.currency or numbering.settings_for(
            workspace.get_site()).default_currency
    template = Invoice(workspace=workspace, currency=currency)
    draft, _totals = _create_draft(template, user, list(lines), **fields)
    return draft
