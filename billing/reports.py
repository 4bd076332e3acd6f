"""Monthly workspace reports: what happened in one calendar month of a workspace, as a PDF.

- `request_report(workspace, month, user)` creates a queued `Report` and, once the transaction
  commits, enqueues `billing.tasks.generate_report` (django_tasks: run at once in dev and tests,
  by `manage.py db_worker` in production). A month may be reported again: each request makes a
  new Report, and when it is ready it replaces the earlier reports of that month.
- `build_context(report)` gathers the sections: every tool switched on in the workspace may
  register `report_sections` (callables `(workspace, start, end) -> dict or None`, start
  included and end excluded, aware datetimes in the server's time zone). Files and approvals
  come from the documents app, invoices, payments and the balance from `invoices_section`
  here. A tool's sections are left out when the firm has the tool's global permission off, or
  when someone who may read the report is outside the tool's audience (a report contact who is
  not a billing contact gets no invoice figures).
- Charts are described by the sections as plain data (`chart`) and drawn here as inline SVG by
  `billing.charts`, in the firm's colours.

`manage.py make_monthly_reports` requests last month's report of every workspace whose billing
profile has `monthly_reports` on (production runs it from cron on the 1st of each month).
"""

import calendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from workspaces import registry

from . import audience, charts, money
from .models import Invoice, Payment, Report

ZERO = Decimal("0")


# ---------------------------------------------------------------------------- months

def first_of_month(day):
    return day.replace(day=1)


def parse_month(text):
    """"2026-10" -> date(2026, 10, 1); a clear ValidationError otherwise."""
    try:
        year, month = (int(part) for part in str(text).strip().split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        raise ValidationError(
            _("“%s” is not a month: write it as YYYY-MM, for example 2026-10.") % text,
            code="month") from None


def month_bounds(month):
    """The month holding `month` as (start, end) aware datetimes in the current time zone:
    midnight on the 1st, and midnight on the 1st of the next month (excluded)."""
    first = first_of_month(month)
    next_first = (first + timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(first, time.min), zone),
            timezone.make_aware(datetime.combine(next_first, time.min), zone))


def month_label(month):
    return date_format(month, "F Y")


# ---------------------------------------------------------------------------- requesting

def request_report(workspace, month, user=None):
    """Queue the report of the month holding `month` (any date in it). Refuses a month that
    has not started yet; the current month is reported up to now."""
    if isinstance(month, datetime):
        month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
    first = first_of_month(month)
    if first > first_of_month(timezone.localdate()):
        raise ValidationError(
            _("%(month)s has not started yet: a report can only cover a month that has begun.")
            % {"month": month_label(first)}, code="future")
    report = Report.objects.create(workspace=workspace, month=first,
                                   state=Report.State.QUEUED, requested_by=user)

    def enqueue():
        from . import tasks

        tasks.generate_report.enqueue(report.pk)

    transaction.on_commit(enqueue)
    return report


# ---------------------------------------------------------------------------- billing section

def fmt(amount, currency):
    """"1,234.50 EUR": the currency's decimals, grouped as the active language writes."""
    number = number_format(money.round_money(amount, currency), money.exponent(currency),
                           use_l10n=True, force_grouping=True)
    return f"{number} {currency}"


def _week_of(day):
    return min((day.day - 1) // 7, 4)


def _week_labels(first, last_day):
    labels = []
    for week in range(5):
        start = 1 + 7 * week
        if start > last_day:
            break
        end = last_day if week == 4 else min(start + 6, last_day)
        labels.append(f"{start}–{end}")
    return labels


def balance_at(workspace, day):
    """What the client owed at the end of `day`, per currency: issued invoices (not void by
    then) less the payments dated up to that day and the credit notes issued by then."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    standing = (Q(state=Invoice.State.ISSUED)
                | Q(state=Invoice.State.VOID, voided_at__gte=end)) \
        & Q(issue_date__lte=day)
    invoices = Invoice.objects.filter(standing, workspace=workspace)
    owed = defaultdict(lambda: ZERO)
    for row in (invoices.filter(kind=Invoice.Kind.INVOICE).values("currency")
                .annotate(sum=Sum("total")).order_by()):
        owed[row["currency"]] += row["sum"] or ZERO
    for row in (invoices.filter(kind=Invoice.Kind.CREDIT_NOTE).values("currency", "total")):
        owed[row["currency"]] -= abs(row["total"] or ZERO)
    for row in (Payment.objects.filter(invoice__in=invoices.filter(kind=Invoice.Kind.INVOICE),
                                       date__lte=day)
                .values("invoice__currency").annotate(sum=Sum("amount")).order_by()):
        owed[row["invoice__currency"]] -= row["sum"] or ZERO
    return {currency: money.round_money(amount, currency)
            for currency, amount in sorted(owed.items())}


def invoices_section(workspace, start, end):
    """Invoices and credit notes issued in the month, payments received in it, the amounts
    invoiced and paid per week, and what was owed at the end of the month."""
    first = timezone.localtime(start).date()
    last = timezone.localtime(end).date() - timedelta(days=1)
    issued = list(Invoice.objects.filter(workspace=workspace, issue_date__gte=first,
                                         issue_date__lte=last)
                  .exclude(state=Invoice.State.DRAFT)
                  .order_by("issue_date", "number"))
    payments = list(Payment.objects.filter(invoice__workspace=workspace, date__gte=first,
                                           date__lte=last)
                    .exclude(invoice__state=Invoice.State.DRAFT)
                    .select_related("invoice").order_by("date", "pk"))
    paid_in_month = defaultdict(lambda: ZERO)
    for payment in payments:
        paid_in_month[payment.invoice_id] += payment.amount

    weeks = _week_labels(first, last.day)
    invoiced_weekly = defaultdict(lambda: [ZERO] * len(weeks))
    paid_weekly = defaultdict(lambda: [ZERO] * len(weeks))
    invoiced_total = defaultdict(lambda: ZERO)
    paid_total = defaultdict(lambda: ZERO)
    rows = []
    for invoice in issued:
        counts = invoice.state != Invoice.State.VOID and invoice.kind == Invoice.Kind.INVOICE
        if counts:
            invoiced_weekly[invoice.currency][_week_of(invoice.issue_date)] += invoice.total
            invoiced_total[invoice.currency] += invoice.total
        rows.append({
            "number": invoice.number,
            "kind": invoice.get_kind_display(),
            "is_credit_note": invoice.kind == Invoice.Kind.CREDIT_NOTE,
            "date": invoice.issue_date,
            "due": invoice.due_date,
            "currency": invoice.currency,
            "total": fmt(invoice.total, invoice.currency),
            "paid": fmt(paid_in_month.get(invoice.pk, ZERO), invoice.currency),
            "status": invoice.get_status_display(),
        })
    payment_rows = []
    for payment in payments:
        currency = payment.invoice.currency
        paid_weekly[currency][_week_of(payment.date)] += payment.amount
        paid_total[currency] += payment.amount
        payment_rows.append({
            "date": payment.date,
            "number": payment.invoice.number,
            "currency": currency,
            "amount": fmt(payment.amount, currency),
            "method": payment.get_method_display(),
        })
    currencies = sorted(set(invoiced_total) | set(paid_total))
    balance = balance_at(workspace, last)
    chart_list = [{
        "kind": "grouped",
        "title": _("Invoiced and paid per week (%(currency)s)") % {"currency": currency},
        "categories": weeks,
        "series": [(_("Invoiced"), "brand", invoiced_weekly[currency]),
                   (_("Paid"), "accent", paid_weekly[currency])],
        "unit": currency,
    } for currency in currencies[:3]]
    totals = [{"currency": c, "invoiced": fmt(invoiced_total[c], c),
               "paid": fmt(paid_total[c], c)} for c in currencies]
    summary = [(_("Invoices issued"), sum(1 for r in rows if not r["is_credit_note"]))]
    summary += [(_("Owed at month end"), fmt(amount, c)) for c, amount in balance.items()]
    return {
        "template": "pdf/report_sections/invoices.html",
        "title": _("Invoices issued and paid"),
        "summary": summary,
        "charts": chart_list,
        "rows": rows,
        "payments": payment_rows,
        "totals": totals,
        "balance": [{"currency": c, "amount": fmt(amount, c), "credit": amount < 0}
                    for c, amount in balance.items()],
        "balance_day": last,
    }


# ---------------------------------------------------------------------------- the report

def readers(workspace):
    """The contacts who may read the workspace's reports now: active members with portal
    access whom the billing profile names for reports."""
    from workspaces.access import active_members

    members = active_members(workspace).filter(is_active=True, portal_access=True)
    return [user for user in members if audience.sees_reports(user, workspace)]


def sections_for(workspace, start, end):
    """The sections of every tool that is on in the workspace, in menu order (see the
    module's docstring for the tools left out)."""
    from workspaces import access

    firm = access.firm_settings_for(workspace)
    who = None
    sections = []
    for tool in sorted(registry.tools.values(), key=lambda t: t.order):
        if not tool.report_sections or not workspace.tool_enabled(tool.slug):
            continue
        if access.switched_off(firm, tool):
            continue
        if tool.audience is not None:
            who = readers(workspace) if who is None else who
            if not all(tool.audience(user, workspace) for user in who):
                continue
        for make in tool.report_sections:
            section = make(workspace, start, end)
            if section:
                section.setdefault("tool", tool.slug)
                sections.append(section)
    return sections


def _draw(chart, brand):
    colours = {"brand": brand["primary_color"], "accent": brand["accent_color"]}
    if chart["kind"] == "bars":
        return charts.bar_chart(chart["labels"], chart["values"], title=chart.get("title", ""),
                                colour_hex=colours.get(chart.get("colour", "brand")))
    if chart["kind"] == "grouped":
        return charts.grouped_bar_chart(
            chart["categories"],
            [(name, colours.get(fill, fill), values) for name, fill, values in chart["series"]],
            title=chart.get("title", ""), unit=chart.get("unit", ""))
    raise ValueError(f"unknown chart kind {chart['kind']!r}")


def build_context(report, brand):
    workspace = report.workspace
    start, end = month_bounds(report.month)
    now = timezone.now()
    sections = sections_for(workspace, start, end)
    summary = []
    for section in sections:
        drawn = [section["chart"]] if section.get("chart") else []
        drawn += list(section.get("charts") or [])
        section["svgs"] = [_draw(chart, brand) for chart in drawn]
        summary += list(section.get("summary") or [])
    first = report.month
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return {
        "report": report,
        "workspace": workspace,
        "month": first,
        "month_label": month_label(first),
        "first_day": first,
        "last_day": last,
        "partial": end > now,
        "until": timezone.localtime(now) if end > now else None,
        "sections": sections,
        "summary": summary,
        "time_zone": timezone.get_current_timezone_name(),
    }
