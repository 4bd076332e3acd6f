"""Request last month's report of every workspace that asks for one.

Production runs this from cron on the 1st of each month (after midnight in the server's time
zone), for example `5 0 1 * * manage.py make_monthly_reports`; the reports are then made by
the task worker (`manage.py db_worker`).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from billing import reports
from billing.models import Report, WorkspaceBilling


class Command(BaseCommand):
    help = ("Queue the monthly report of every live workspace whose billing profile has "
            "'make a report every month' on and the Reports tool switched on: the previous "
            "month's, or --month's. A workspace that already has a report of that month (ready, "
            "queued or being made) is skipped. Prints what was queued.")

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month to report, as YYYY-MM (default: the "
                                            "previous month).")

    def handle(self, *args, month=None, **options):
        try:
            first = (reports.parse_month(month) if month
                     else reports.first_of_month(
                         reports.first_of_month(timezone.localdate()) - timedelta(days=1)))
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        label = reports.month_label(first)
        queued = skipped = 0
        profiles = (WorkspaceBilling.objects.filter(monthly_reports=True, workspace__live=True)
                    .select_related("workspace").order_by("workspace__title"))
        for profile in profiles:
            workspace = profile.workspace
            if not workspace.tool_enabled("reports"):
                continue
            with transaction.atomic():
                # Two runs at once wait for each other here, so a month is queued once.
                WorkspaceBilling.objects.select_for_update().filter(pk=profile.pk).first()
                exists = (Report.objects.filter(workspace=workspace, month=first)
                          .exclude(state=Report.State.FAILED).exists())
                if exists:
                    skipped += 1
                    self.stdout.write(f"Skipped {workspace.title}: {label} already has a report.")
                    continue
                try:
                    report = reports.request_report(workspace, first)
                except ValidationError as error:
                    raise CommandError(error.messages[0]) from None
            report.refresh_from_db()
            queued += 1
            self.stdout.write(f"Queued the report of {workspace.title} for {label} "
                              f"(report {report.pk}, {report.get_state_display().lower()}).")
        self.stdout.write(f"{queued} queued, {skipped} skipped.")
