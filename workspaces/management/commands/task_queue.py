"""`manage.py task_queue`: what the background queue holds, for an operator at a shell."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .db_worker import stale_seconds


class Command(BaseCommand):
    help = ("Print the background tasks by status, the oldest task waiting to run, tasks "
            "running longer than PORTAL_TASK_STALE_SECONDS and the latest failures.")

    def add_arguments(self, parser):
        parser.add_argument("--failed", type=int, default=5,
                            help="How many of the latest failed tasks to list (default 5).")

    def handle(self, *args, failed, **options):
        out = self.stdout.write
        now = timezone.now()
        counts = dict(DBTaskResult.objects.order_by().values_list("status")
                      .annotate(n=Count("pk")))
        for status in TaskResultStatus:
            out(f"{status.value:<11} {counts.get(status.value, 0):>7}")

        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").first()
        if oldest is None:
            out("Nothing is waiting to run.")
        else:
            waited = int((now - oldest.enqueued_at).total_seconds())
            out(f"Oldest waiting: {oldest.task_path} (id {oldest.pk}), enqueued "
                f"{oldest.enqueued_at:%Y-%m-%d %H:%M:%S} UTC, {waited} s ago.")

        limit = stale_seconds()
        stale = DBTaskResult.objects.running().filter(
            started_at__lt=now - timedelta(seconds=limit)).count()
        out(f"Running for more than {limit} s (left by a stopped worker; the next worker "
            f"check settles them): {stale}")

        if failed:
            latest = DBTaskResult.objects.failed().order_by("-finished_at")[:failed]
            for result in latest:
                reason = (result.traceback.strip().splitlines() or [""])[-1]
                out(f"Failed {result.finished_at:%Y-%m-%d %H:%M:%S}: {result.task_path} "
                    f"(id {result.pk}): {reason}")
