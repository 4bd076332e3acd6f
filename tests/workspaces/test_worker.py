"""The background worker outlives its database, and tasks left running by a dead worker are
settled (workspaces/management/commands/db_worker.py).

The end-to-end test starts a private PostgreSQL cluster in a temporary folder (never the
shared server: it is stopped and crashed under the worker), runs `manage.py db_worker` against
it as a subprocess, and reads the emails it sends from the file backend's folder.
"""

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from workspaces.management.commands.db_worker import Worker, recover_stale_tasks

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(
    p.split("/")[4]))[-1]) if glob.glob("/usr/lib/postgresql/*/bin") else None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


class PrivateCluster:
    """A throw-away PostgreSQL cluster owned by the postgres user when run as root (initdb
    refuses root), listening on a free port of 127.0.0.1 only."""

    def __init__(self):
        assert PG_BIN is not None, "PostgreSQL server binaries not found in /usr/lib/postgresql"
        self.dir = Path(tempfile.mkdtemp(prefix="portal-worker-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        else:
            self.prefix = []

    def run(self, *args):
        subprocess.run([*self.prefix, *args], check=True, capture_output=True,  # noqa: S603
                       timeout=60)

    def init(self):
        self.run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                 "-E", "UTF8", "--no-sync", "--no-instructions")
        self.start()

    def start(self):
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
                 "-o", options, "-w", "start")

    def stop(self, mode):
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self):
        subprocess.run([*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(self.data),  # noqa: S603
                        "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


class Driver:
    """tests/workspaces/worker_driver.py: enqueues and reads tasks on the private cluster."""

    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.workspaces.worker_driver"], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert json.loads(self.process.stdout.readline()) == {"ready": True}

    def __call__(self, do, **args):
        self.process.stdin.write(json.dumps({"do": do, **args}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the driver stopped answering ({do})"
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def private_worker():
    """A private cluster, the queue's table in it, and a running worker. The worker takes
    tasks running for more than 4 s as left by a dead worker (and so checks every 2 s)."""
    cluster = PrivateCluster()
    mail_dir = Path(tempfile.mkdtemp(prefix="portal-worker-mail-"))
    processes = []
    try:
        cluster.init()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal_site.settings.worker_test",
               "DATABASE_URL": cluster.url, "EMAIL_FILE_PATH": str(mail_dir),
               "PORTAL_TASK_STALE_SECONDS": "4"}
        driver = Driver(env)
        processes.append(driver.process)
        log = open(mail_dir.parent / f"{mail_dir.name}.log", "w+")  # noqa: SIM115
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2",
             "--no-startup-delay", "--worker-id", "test-worker"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        processes.append(worker)

        def sent(subject):
            return any(f"Subject: {subject}\n" in path.read_text()
                       for path in mail_dir.iterdir())

        def worker_log():
            log.flush()
            return Path(log.name).read_text()

        yield cluster, driver, worker, sent, worker_log
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        cluster.destroy()
        shutil.rmtree(mail_dir, ignore_errors=True)


def wait_until_worker_fails(worker_log, times):
    """Wait (for the worker's log, not the clock) until it has failed to reach the database
    `times` more times than when called."""
    before = worker_log().count("Database unavailable (attempt ")
    wait_for(lambda: worker_log().count("Database unavailable (attempt ") >= before + times,
             30, f"the worker to find the database down {times} times")


def test_worker_goes_on_sending_after_database_restart_and_crash(private_worker):
    cluster, driver, worker, sent, worker_log = private_worker
    driver("enqueue", subject="Before any restart")
    wait_for(lambda: sent("Before any restart"), 30, "the first email")

    # A clean restart, kept down until the worker has found it down twice.
    cluster.stop("fast")
    wait_until_worker_fails(worker_log, times=2)
    cluster.start()
    driver("enqueue", subject="After a clean restart")
    wait_for(lambda: sent("After a clean restart"), 40, "the email queued after the restart")
    assert worker.poll() is None, worker_log()

    # A crash: the server is killed without a checkpoint and recovers on start.
    cluster.stop("immediate")
    wait_until_worker_fails(worker_log, times=2)
    cluster.start()
    driver("enqueue", subject="After a crash")
    wait_for(lambda: sent("After a crash"), 40, "the email queued after the crash")

    assert worker.poll() is None, worker_log()
    log = worker_log()
    assert "Database unavailable (attempt 1)" in log, log
    assert "Database available again" in log, log


def test_worker_recovers_tasks_left_running_by_a_dead_worker(private_worker):
    cluster, driver, worker, sent, worker_log = private_worker
    once = driver("left_running", subject="Left running once", tries=1)["id"]
    twice = driver("left_running", subject="Left running twice", tries=2)["id"]

    wait_for(lambda: sent("Left running once"), 30, "the recovered task's email")
    assert driver("status", id=once) == {"status": "SUCCESSFUL", "traceback": "", "tries": 2}
    failed = wait_for(lambda: (s := driver("status", id=twice))["status"] == "FAILED" and s,
                      10, "the twice-tried task to be marked failed")
    assert failed["traceback"].startswith("StaleTask: the run by worker dead-worker-1 (started ")
    assert "never finished: the worker stopped or lost its database. 2 tries; not retried " \
           "again." in failed["traceback"]
    assert not sent("Left running twice")
    assert worker.poll() is None, worker_log()


def left_running(tries, minutes_ago, backend="default"):
    return DBTaskResult.objects.create(
        args_kwargs={"args": ["x"], "kwargs": {}}, task_path="tests.workspaces.worker_tasks"
        ".send_note", backend_name=backend, run_after=timezone.now(), status="RUNNING",
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=[f"w{n}" for n in range(tries)])


@pytest.mark.django_db
def test_only_tasks_past_the_limit_are_recovered():
    old_once, old_twice = left_running(1, 20), left_running(2, 20)
    recent, other_backend = left_running(1, 5), left_running(1, 20, backend="other")

    requeued, failed = recover_stale_tasks("default", 15 * 60)

    assert requeued == [old_once.pk] and failed == [old_twice.pk]
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {old_once.pk: "READY", old_twice.pk: "FAILED", recent.pk: "RUNNING",
                        other_backend.pk: "RUNNING"}
    assert DBTaskResult.objects.ready().filter(pk=old_once.pk).exists()


@pytest.mark.django_db
def test_a_task_interrupted_by_the_database_is_settled_when_it_is_back():
    task = left_running(1, 0)
    worker = Worker(queue_names=["default"], interval=0, batch=False, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="w0",
                    excluded_queue_names=[], stale_after=900)
    worker.failures, worker.interrupted_id = 3, task.pk

    worker.database_back()

    task.refresh_from_db()
    assert task.status == "READY" and worker.failures == 0 and worker.interrupted_id is None


@pytest.mark.django_db
def test_task_queue_prints_counts_oldest_waiting_and_stale(settings):
    settings.PORTAL_TASK_STALE_SECONDS = 600
    left_running(1, 20)
    waiting = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path="workspaces.emails.send_magic_link",
        backend_name="default", run_after=timezone.now() - timedelta(minutes=1))
    DBTaskResult.objects.filter(pk=waiting.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=90))
    failed = left_running(1, 1)
    DBTaskResult.objects.filter(pk=failed.pk).update(
        status="FAILED", finished_at=timezone.now(), traceback="Traceback\nSMTPError: refused\n")

    out = StringIO()
    call_command("task_queue", stdout=out)
    text = out.getvalue()

    lines = text.splitlines()
    counts = {line.split()[0]: int(line.split()[1]) for line in lines[:4]}
    assert counts == {"READY": 1, "RUNNING": 1, "FAILED": 1, "SUCCESSFUL": 0}
    assert lines[4].startswith(
        f"Oldest waiting: workspaces.emails.send_magic_link (id {waiting.pk}), enqueued ")
    assert lines[4].endswith((" 90 s ago.", " 91 s ago."))
    assert lines[5].startswith("Running for more than 600 s (left by a stopped worker")
    assert lines[5].endswith(": 1")
    assert lines[6].endswith(f"tests.workspaces.worker_tasks.send_note (id {failed.pk}): "
                             "SMTPError: refused")
    assert len(lines) == 7


def worker(**options):
    defaults = {"queue_names": ["default"], "interval": 0, "batch": True, "startup_delay": False,
                "backend_name": "default", "max_tasks": None, "worker_id": "w-test",
                "excluded_queue_names": [], "stale_after": 900}
    return Worker(**{**defaults, **options})


@pytest.mark.django_db(transaction=True)  # the loop commits, as a worker does
def test_the_loop_keeps_upstreams_batch_and_max_tasks(settings, mailoutbox):
    from tests.workspaces.worker_tasks import send_note

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    first, second, third = (send_note.enqueue(f"Note {n}").id for n in (1, 2, 3))

    worker(max_tasks=1).run()  # stops after one task
    assert [m.subject for m in mailoutbox] == ["Note 1"]

    worker(batch=True).run()  # runs what is left, then stops
    assert [m.subject for m in mailoutbox] == ["Note 1", "Note 2", "Note 3"]
    statuses = set(DBTaskResult.objects.filter(pk__in=[first, second, third])
                   .values_list("status", flat=True))
    assert statuses == {"SUCCESSFUL"}
