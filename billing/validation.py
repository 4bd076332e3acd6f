"""Input rules for invoices, credit notes and their lines.

Every form (the admin's, the services') goes through these functions, so the rules and their
messages are the same everywhere:

- Currency: an ISO 4217 code (EUR, USD, JPY, …); anything else is refused.
- Description: required, at most 500 characters, stored as the plain text typed (HTML such as
  `<b>` or `<img src="http://…">` is kept verbatim as text and escaped when shown; nothing in
  it is ever fetched). Control characters other than line breaks and tabs are dropped.
- Quantity: more than zero (zero and negative quantities are refused: to take something off an
  invoice, use a credit line or a credit note), at most 1,000,000, at most 3 decimals.
- Unit price: at most 999,999,999 (either sign), no more decimals than the currency has (2
  for EUR, none for JPY, 3 for BHD).
  - On a credit note it is zero or more: the credit note as a whole takes the amount off.
  - On an invoice a negative unit price makes a "credit line" (a deposit already paid, a
    goodwill reduction); it is allowed only when the invoice's total stays above zero.
- Tax rate and discount: percentages from 0 to 100 with at most 2 decimals.
- A line's amount and the invoice's total may not exceed 999,999,999.
- At most 1,000 lines; issuing needs at least one.
- A credit note corrects one issued invoice (not a void one, not another credit note) of the
  same workspace and currency. Its total must be above zero and at most what is still owed on
  that invoice: its balance, total less payments less the credit notes already issued. Money
  already received is not credited here (repay it, then record the correction outside).
- Only drafts can be edited; an issued invoice is only paid, credited or voided.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import money
from .models import Invoice

MAX_LINES = 1000
DESCRIPTION_MAX = 500
QUANTITY_PLACES = 3
PERCENT_PLACES = 2
LINE_FIELDS = ("description", "quantity", "unit_price", "tax_rate", "discount")


def _get(line, name):
    if isinstance(line, dict):
        return line.get(name)
    return getattr(line, name, None)


def clean_text(text, limit=None):
    """Plain text as typed: Windows line ends folded, control characters (but line breaks and
    tabs) dropped, outer blanks trimmed. Nothing is escaped or stripped of markup."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127))
    text = text.strip()
    return text[:limit] if limit else text


def clean_description(value):
    text = clean_text(value)
    if not text:
        raise ValidationError(_("The description is required."), code="required")
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError(
            _("The description is %(length)d characters long; at most %(max)d are allowed.")
            % {"length": len(text), "max": DESCRIPTION_MAX}, code="max_length")
    return text


def _number(value, label):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(_("%s is required.") % label, code="required")
    if isinstance(value, float):
        value = repr(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(label)s is not a number: “%(value)s”.") % {
            "label": label, "value": value}, code="invalid") from None
    if not number.is_finite():
        raise ValidationError(_("%s must be a number.") % label, code="invalid")
    return number


def _places(number):
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent)


def clean_quantity(value):
    label = _("The quantity")
    quantity = _number(value, label)
    if quantity <= 0:
        raise ValidationError(
            _("The quantity must be more than zero (it is %s). To take something off, use a "
              "credit line (a negative unit price) or a credit note.") % quantity,
            code="not_positive")
    if quantity > money.MAX_QUANTITY:
        raise ValidationError(_("The quantity is too large (at most %s).")
                              % f"{money.MAX_QUANTITY:,}", code="too_large")
    if _places(quantity) > QUANTITY_PLACES:
        raise ValidationError(_("The quantity can have at most %d decimals.")
                              % QUANTITY_PLACES, code="places")
    return quantity


def clean_unit_price(value, currency, kind):
    label = _("The unit price")
    price = money.parse_amount(_number(value, label), currency, label)
    if price < 0 and kind == Invoice.Kind.CREDIT_NOTE:
        raise ValidationError(
            _("A credit note's unit prices are zero or more (the credit note as a whole "
              "takes the amount off); %s is negative.") % price, code="negative")
    return price


def clean_percent(value, label):
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0")
    number = _number(value, label)
    if number < 0 or number > 100:
        raise ValidationError(_("%(label)s is a percentage from 0 to 100 (not %(value)s).")
                              % {"label": label, "value": number}, code="range")
    if _places(number) > PERCENT_PLACES:
        raise ValidationError(_("%(label)s can have at most %(places)d decimals.")
                              % {"label": label, "places": PERCENT_PLACES}, code="places")
    return number


def clean_line(line, currency, kind=Invoice.Kind.INVOICE):
    """One line (an `InvoiceLine` or a dict) checked against the rules above.

    Returns a dict of the cleaned values (description, quantity, unit_price, tax_rate,
    discount). Raises ValidationError keyed by field name, with every field's message.
    """
    validate_currency(currency)
    cleaned, errors = {}, {}
    steps = (
        ("description", lambda v: clean_description(v)),
        ("quantity", clean_quantity),
        ("unit_price", lambda v: clean_unit_price(v, currency, kind)),
        ("tax_rate", lambda v: clean_percent(v, _("The tax rate"))),
        ("discount", lambda v: clean_percent(v, _("The discount"))),
    )
    for name, check in steps:
        try:
            cleaned[name] = check(_get(line, name))
        except ValidationError as error:
            errors[name] = error.messages
    if not errors:
        net = money.line_net(cleaned["quantity"], cleaned["unit_price"], cleaned["discount"],
                             currency)
        if abs(net) > money.MAX_AMOUNT:
            errors["unit_price"] = [
                _("The line comes to %(amount)s, more than the maximum of %(max)s.") % {
                    "amount": money.format_money(net, currency),
                    "max": money.format_money(money.MAX_AMOUNT, currency)}]
    if errors:
        raise ValidationError(errors)
    return cleaned


def validate_currency(currency):
    if not currency:
        raise ValidationError(_("Choose a currency."), code="required")
    money.validate_currency(currency)


def _line_errors(number, error):
    messages = []
    for field_messages in error.message_dict.values():
        for message in field_messages:
            messages.append(_("Line %(number)d: %(message)s") % {
                "number": number, "message": message})
    return messages


def clean_lines(lines, currency, kind=Invoice.Kind.INVOICE, require_lines=False):
    """All the lines of one invoice: (cleaned dicts, messages)."""
    lines = list(lines)
    messages, cleaned = [], []
    if len(lines) > MAX_LINES:
        messages.append(_("An invoice has at most %(max)s lines; this one has %(count)s.") % {
            "max": f"{MAX_LINES:,}", "count": f"{len(lines):,}"})
        return cleaned, messages
    if require_lines and not lines:
        messages.append(_("Add at least one line before issuing."))
    for number, line in enumerate(lines, start=1):
        try:
            cleaned.append(clean_line(line, currency, kind))
        except ValidationError as error:
            messages.extend(_line_errors(number, error))
    return cleaned, messages


def credit_cap(invoice):
    """What a new credit note may still take off `invoice`: its balance."""
    return max(invoice.balance, Decimal("0"))


def check_corrected(credit_note, corrected):
    """The invoice a credit note corrects must be an issued invoice of the same workspace and
    currency."""
    if corrected is None:
        return [_("A credit note must name the invoice it corrects.")]
    messages = []
    if corrected.kind != Invoice.Kind.INVOICE:
        messages.append(_("%s is a credit note; a credit note corrects an invoice.")
                        % corrected)
    elif corrected.state == Invoice.State.DRAFT:
        messages.append(_("%s is still a draft: edit it instead of crediting it.") % corrected)
    elif corrected.state == Invoice.State.VOID:
        messages.append(_("%s is void: there is nothing left to credit.") % corrected)
    if corrected.workspace_id != credit_note.workspace_id:
        messages.append(_("%s belongs to another workspace.") % corrected)
    if corrected.currency != credit_note.currency:
        messages.append(_("The credit note is in %(mine)s but %(invoice)s is in %(theirs)s.") % {
            "mine": credit_note.currency, "invoice": corrected, "theirs": corrected.currency})
    return messages


def validate_invoice(invoice, lines, for_issue=False, corrected=None):
    """Check a draft invoice or credit note and its lines against the rules above.

    `lines`: `InvoiceLine` objects or dicts. `for_issue`: also require a line. `corrected`: the
    invoice a credit note corrects, when the caller has it (locked) already.
    Returns the totals (`money.Totals`); raises ValidationError with every message, lines
    named by their position ("Line 3: …").
    """
    if invoice.pk and invoice.state != Invoice.State.DRAFT:
        raise ValidationError(
            _("%(number)s has been issued and can no longer be edited: credit it or void it "
              "instead.") % {"number": invoice}, code="not_draft")
    try:
        validate_currency(invoice.currency)
    except ValidationError as error:
        raise ValidationError({"currency": error.messages}) from None
    kind = invoice.kind or Invoice.Kind.INVOICE
    cleaned, messages = clean_lines(lines, invoice.currency, kind, require_lines=for_issue)
    totals = money.compute(cleaned, invoice.currency) if not messages else None
    if totals is not None:
        messages.extend(_check_totals(invoice, kind, cleaned, totals, corrected))
    if messages:
        raise ValidationError(messages)
    return totals


def _check_totals(invoice, kind, cleaned, totals, corrected):
    currency = invoice.currency
    show = lambda amount: money.format_money(amount, currency)  # noqa: E731
    messages = []
    if abs(totals.total) > money.MAX_AMOUNT:
        messages.append(_("The total would be %(total)s, more than the maximum of %(max)s.")
                        % {"total": show(totals.total), "max": show(money.MAX_AMOUNT)})
        return messages
    credit_lines = [n for n, line in enumerate(cleaned, start=1) if line["unit_price"] < 0]
    if kind == Invoice.Kind.INVOICE and credit_lines and totals.total <= 0:
        messages.append(
            _("Line %(line)s is a credit line (a negative unit price), which is allowed only "
              "while the invoice's total stays above zero; here the total would be "
              "%(total)s. Issue a credit note to give money back.") % {
                "line": ", ".join(str(n) for n in credit_lines), "total": show(totals.total)})
    if kind == Invoice.Kind.CREDIT_NOTE:
        if corrected is None and invoice.credits_id:
            corrected = Invoice.objects.filter(pk=invoice.credits_id).first()
        problems = check_corrected(invoice, corrected)
        messages.extend(problems)
        if cleaned and totals.total <= 0:
            messages.append(_("A credit note must take something off: its total is %s.")
                            % show(totals.total))
        elif not problems and totals.total > credit_cap(corrected):
            messages.append(
                _("This credit note comes to %(total)s but only %(cap)s is still owed on "
                  "%(invoice)s (its total less payments and earlier credit notes); a credit "
                  "note may not take off more than that.") % {
                    "total": show(totals.total), "cap": show(credit_cap(corrected)),
                    "invoice": corrected})
    return messages
