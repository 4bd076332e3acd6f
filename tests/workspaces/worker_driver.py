"""The worker test's hands on its private database (run as `python -m`, with
DJANGO_SETTINGS_MODULE=portal_site.settings.worker_test and DATABASE_URL).

It creates the queue's table, then answers one JSON request per line on stdin with one JSON
line on stdout. Every request opens a fresh connection, so it outlives the restarts the test
makes. Requests: {"do": "enqueue", "subject": s}, {"do": "left_running", "subject": s,
"tries": n} (a task claimed n times by workers that died an hour ago), {"do": "status", "id": i}.
"""

import json
import sys
from datetime import timedelta


def main():
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from tests.workspaces.worker_tasks import send_note

    call_command("migrate", "django_tasks_database", verbosity=0)

    def enqueue(subject):
        return {"id": send_note.enqueue(subject).id}

    def left_running(subject, tries):
        task_id = send_note.enqueue(subject).id
        DBTaskResult.objects.filter(pk=task_id).update(
            status="RUNNING", started_at=timezone.now() - timedelta(hours=1),
            worker_ids=[f"dead-worker-{n}" for n in range(tries)])
        return {"id": task_id}

    def status(id):  # noqa: A002 - the request's key
        result = DBTaskResult.objects.get(pk=id)
        return {"status": result.status, "traceback": result.traceback,
                "tries": len(result.worker_ids)}

    handlers = {"enqueue": enqueue, "left_running": left_running, "status": status}
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        connections.close_all()
        handler = handlers[request.pop("do")]
        print(json.dumps(handler(**request)), flush=True)


if __name__ == "__main__":
    main()
