"""`manage.py db_worker`: django_tasks_db's worker, made to outlive the database.

Upstream's worker exits on the first database error other than a locked SQLite file, so a
restart or a crash of PostgreSQL stops every email, thumbnail and report until someone
restarts the worker, and the task it was running stays RUNNING for ever. This command (it
shadows upstream's: `workspaces` comes before `django_tasks_db` in INSTALLED_APPS) keeps
upstream's options, its task query, its claim and its `run_task`, and adds:

- a database error in the polling loop closes the connections and retries with back-off
  (1 s doubling to 30 s), one warning per failed attempt, then goes on where it was;
- a task that stays RUNNING longer than PORTAL_TASK_STALE_SECONDS (default 15 minutes) was
  left by a dead worker: it is put back in the queue once, and marked FAILED with the reason
  if it was already retried. The worker checks at start and then every minute (or every half
  limit when that is shorter). A task interrupted by the database going away under this worker
  is settled the same way as soon as the database answers again.
"""

import contextlib
import logging
import os
import random
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import CommandError
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
    transaction,
)
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker as upstream
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

logger = logging.getLogger("django_tasks_db")

DEFAULT_STALE_SECONDS = 15 * 60
BACKOFF_FIRST, BACKOFF_CEILING = 1.0, 30.0
RECOVERY_EVERY = 60.0
# What a lost or refused connection raises. Other database errors (a missing table, a bad
# query) are bugs or a missing migrate: they stop the worker, as upstream does, and the
# service manager's restarts make them visible.
CONNECTION_ERRORS = (OperationalError, InterfaceError)

# What a recovered task's traceback says when it is given up on.
STALE_EXCEPTION = "workspaces.management.commands.db_worker.StaleTask"


class StaleTask(Exception):
    """Never raised: named in the record of a task given up on after its worker died."""


def stale_seconds():
    return int(getattr(settings, "PORTAL_TASK_STALE_SECONDS", DEFAULT_STALE_SECONDS))


def recover_stale_tasks(backend_name, older_than, task_ids=None, now=None):
    """Settle RUNNING tasks of `backend_name` started before now - `older_than` seconds
    (or exactly `task_ids`, whatever their age): back to READY when they were claimed once,
    FAILED with the reason when they were already retried. Returns (requeued, failed) ids.

    Rows are locked with SKIP LOCKED, so two workers recovering at once settle each task once.
    """
    now = now or timezone.now()
    requeued, failed = [], []
    with transaction.atomic():
        running = DBTaskResult.objects.running().filter(backend_name=backend_name)
        if task_ids is not None:
            running = running.filter(pk__in=task_ids)
        else:
            running = running.filter(started_at__lt=now - timedelta(seconds=older_than))
        for result in running.select_for_update(skip_locked=True).order_by("started_at"):
            last_worker = result.worker_ids[-1] if result.worker_ids else "?"
            if len(result.worker_ids) <= 1:
                # READY with the worker ids kept: the count of claims is the count of tries.
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                requeued.append(result.pk)
                logger.warning("Task id=%s (%s) was left running by worker %s: queued again.",
                               result.pk, result.task_path, last_worker)
            else:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.return_value = None
                result.exception_class_path = STALE_EXCEPTION
                result.traceback = (
                    f"StaleTask: the run by worker {last_worker} (started "
                    f"{result.started_at:%Y-%m-%d %H:%M:%S} UTC) never finished: the worker "
                    f"stopped or lost its database. {len(result.worker_ids)} tries; not "
                    "retried again.\n")
                result.save(update_fields=["status", "finished_at", "return_value",
                                           "exception_class_path", "traceback"])
                failed.append(result.pk)
                logger.error("Task id=%s (%s) was left running by worker %s after %d tries: "
                             "marked failed.", result.pk, result.task_path, last_worker,
                             len(result.worker_ids))
    return requeued, failed


class Worker(upstream.Worker):
    """Upstream's worker with a polling loop that survives database errors (see above)."""

    def __init__(self, *, stale_after, **kwargs):
        super().__init__(**kwargs)
        self.stale_after = stale_after
        self.recovery_every = min(RECOVERY_EVERY, max(stale_after / 2, 1))
        self.next_recovery = 0.0  # at start
        self.failures = 0
        self.interrupted_id = None  # the task running when the database went away

    def run(self):
        logger.info("Starting worker worker_id=%s queues=%s (tasks running over %d s are "
                    "recovered)", self.worker_id, ",".join(self.queue_names), self.stale_after)
        if self.startup_delay and self.interval:
            # As upstream: a small random delay so that restarted workers do not poll at once.
            time.sleep(random.random())  # noqa: S311
        while self.running:
            try:
                outcome = self.step()
            except CONNECTION_ERRORS as exc:
                self.database_failed(exc)
                continue
            if outcome == "done":
                return
            if self.running and outcome == "idle":
                time.sleep(self.interval)

    def step(self):
        """One turn of the loop: "busy" (ran a task), "idle" (nothing ready) or "done"."""
        close_old_connections()
        if self.failures:
            connections[DBTaskResult.objects.db].ensure_connection()  # raises while still down
            self.database_back()
        if time.monotonic() >= self.next_recovery:
            recover_stale_tasks(self.backend_name, self.stale_after)
            self.next_recovery = time.monotonic() + self.recovery_every
        try:
            task_result = self.claim_next()
        except OperationalError as exc:
            if is_locked_database_exception(exc):  # SQLite: it unlocks eventually
                return "idle"
            raise
        if task_result is None:
            if self.batch:
                logger.info("No more tasks to run for worker_id=%s - exiting gracefully.",
                            self.worker_id)
                return "done"
            return "idle"
        self.interrupted_id = task_result.pk
        self.run_task(task_result)  # upstream's: records success or failure
        self.interrupted_id = None
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info("Run maximum tasks (%d) on worker=%s - exiting gracefully.",
                        self._run_tasks, self.worker_id)
            return "done"
        return "busy"

    def claim_next(self):
        """Upstream's query and claim: the first ready task, locked, marked RUNNING."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def database_failed(self, exc):
        self.failures += 1
        delay = min(BACKOFF_FIRST * 2 ** (self.failures - 1), BACKOFF_CEILING)
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        logger.warning("Database unavailable (attempt %d): %s - retrying in %g s.",
                       self.failures, first_line, delay)
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(DatabaseError):  # already gone
                connection.close()
        time.sleep(delay)

    def database_back(self):
        logger.warning("Database available again after %d failed attempts.", self.failures)
        self.failures = 0
        if self.interrupted_id is not None:
            # Its outcome could not be written: settle it now rather than after the limit.
            recover_stale_tasks(self.backend_name, 0, task_ids=[self.interrupted_id])
            self.interrupted_id = None


class Command(upstream.Command):
    help = ("Run a database background worker that survives database restarts and recovers "
            "tasks left running by dead workers")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--stale-after", type=int, default=None,
            help="Seconds after which a RUNNING task is taken as left by a dead worker "
                 "(default: PORTAL_TASK_STALE_SECONDS, 15 minutes).")

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
               reload, max_tasks, worker_id, exclude_queues, stale_after, **options):
        # Upstream's handle() builds its own Worker class by name; this one builds ours with
        # the same arguments and the same rules.
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("Warning: --reload and --batch cannot be specified together. "
                           "Disabling autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
            excluded_queue_names=excluded,
            stale_after=stale_after if stale_after is not None else stale_seconds(),
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
