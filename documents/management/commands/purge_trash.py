"""Delete for good what has been in the trash longer than the retention period, then the
private storage's blobs that no row references (`purge_orphan_blobs`)."""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from documents import services
from documents.models import File, Folder


class Command(BaseCommand):
    help = ("Delete folders and files (with every version's blob) that have been in the trash "
            "longer than PORTAL_TRASH_DAYS, then blobs that no row references (older than a "
            "day), and print what was deleted.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Retention in days (default: settings.PORTAL_TRASH_DAYS).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Print what would be deleted and delete nothing.")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = settings.PORTAL_TRASH_DAYS if days is None else days
        if days < 0:
            self.stderr.write("--days must be 0 or more.")
            return
        now = timezone.now()
        cutoff = now - timedelta(days=days)
        folders = list(Folder.objects.filter(deleted_at__lt=cutoff).select_related(
            "workspace").order_by("workspace__title", "path"))
        files = list(File.objects.filter(deleted_at__lt=cutoff).select_related(
            "workspace").order_by("workspace__title", "name"))
        # Files inside a purged folder go with it, trashed or not.
        inside = File.objects.filter(folder__in=[f.pk for f in folders]).exclude(
            pk__in=[f.pk for f in files]).select_related("workspace")
        files += list(inside)
        verb = "Would delete" if dry_run else "Deleted"
        for folder in folders:
            self.stdout.write(f"{verb} folder “{folder.name}” ({folder.workspace.title}), "
                              f"in the trash since {folder.deleted_at:%Y-%m-%d}")
        for file in files:
            since = f"in the trash since {file.deleted_at:%Y-%m-%d}" if file.deleted_at else \
                "inside a purged folder"
            self.stdout.write(f"{verb} file “{file.name}” ({file.workspace.title}), {since}")
        if dry_run:
            self.stdout.write(f"Dry run: {len(folders)} folder(s), {len(files)} file(s) older "
                              f"than {days} days; nothing deleted.")
        else:
            folder_count, file_count = services.purge_trash(days=days, now=now)
            self.stdout.write(self.style.SUCCESS(
                f"Purged {folder_count} folder(s) and {file_count} file(s) older than {days} "
                "days."))
        # Blobs left by uploads that failed half-way (and any a purge could not delete).
        call_command("purge_orphan_blobs", dry_run=dry_run, stdout=self.stdout,
                     stderr=self.stderr)
