"""A task for the worker test: it sends one email and needs no table but the queue's, so the
test's private database only has to hold django_tasks_db's."""

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_note(subject):
    send_mail(subject, "Sent by the background worker.", "portal@example.test",
              ["ops@example.test"])
