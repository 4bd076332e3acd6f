"""Delete blobs in the private storage that no row references.

An upload writes its blob before the row that names it commits; when the database fails in
between (or the process dies), the blob stays behind with nothing pointing at it. This command
finds such blobs and deletes those older than a day, locally and on S3.

What is referenced is found generically, so that the spine knows no tool: every file field
(FileField, ImageField) of every concrete model of every installed app whose storage is the
private storage contributes the names stored in its column, read in chunks. A blob younger
than `--older-than-hours` is kept whatever it is: its row may not have committed yet.
"""

import os
import posixpath
from datetime import UTC, timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.utils import timezone

CHUNK = 2000


def _place(storage):
    """Where a storage keeps its files: (kind, prefix). A bucket storage (S3) is placed by
    endpoint, bucket and key prefix; a local one by its absolute directory."""
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        prefix = str(getattr(storage, "location", "") or "").strip("/")
        return ("bucket", getattr(storage, "endpoint_url", None), bucket), prefix
    if isinstance(storage, FileSystemStorage) and getattr(storage, "location", None):
        return ("local",), os.path.abspath(storage.location)
    return ("other", id(storage)), ""


def same_storage(a, b):
    """The same object, or a storage of the same class keeping its files in the same place
    (a field resolves its storage once, at import; the storages handler may since have
    made a new object for the same settings)."""
    return a is b or (type(a) is type(b) and _place(a) == _place(b))


def _inside(prefix, other, sep):
    """`other` relative to `prefix` when it lies strictly inside it, else None."""
    if other == prefix:
        return ""
    if not prefix:
        return other if other else None
    return other[len(prefix) + 1:] if other.startswith(prefix + sep) else None


def foreign_subtrees(storage, alias="private"):
    """Folders of `storage` that are the root of another configured storage (public media
    kept under the private prefix, say): never listed, so never deleted from. A storage in
    the very same place makes the command refuse to run."""
    kind, prefix = _place(storage)
    sep = "/" if kind[0] == "bucket" else os.sep
    skipped = []
    for other_alias in settings.STORAGES:
        if other_alias == alias:
            continue
        other = storages[other_alias]
        other_kind, other_prefix = _place(other)
        if other_kind != kind:
            continue
        inside = _inside(prefix, other_prefix, sep)
        if inside == "":
            raise CommandError(
                f"The storage “{other_alias}” keeps its files where the “{alias}” storage "
                "does: files without a row cannot be told apart from its files.")
        if inside is not None:
            skipped.append(inside.replace(os.sep, "/"))
    return skipped


def file_fields(storage):
    """(model, [attnames]) of every concrete model whose own table has file fields stored in
    `storage`."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        names = [field.attname for field in model._meta.local_concrete_fields
                 if isinstance(field, models.FileField) and same_storage(field.storage, storage)]
        if names:
            found.append((model, names))
    return found


def referenced_names(storage, chunk=CHUNK):
    """Every name that a row stores for a file in `storage`, read `chunk` rows at a time."""
    names = set()
    for model, attnames in file_fields(storage):
        rows = model._base_manager.order_by("pk")
        last = None
        while True:
            page = rows if last is None else rows.filter(pk__gt=last)
            batch = list(page.values_list("pk", *attnames)[:chunk])
            if not batch:
                break
            for row in batch:
                names.update(name for name in row[1:] if name)
            last = batch[-1][0]
    return names


def stored_names(storage, path="", skip=()):
    """Every file name in `storage` under `path`, recursively (listdir works on S3 too)."""
    directories, files = storage.listdir(path)
    for name in files:
        yield posixpath.join(path, name) if path else name
    for directory in directories:
        below = posixpath.join(path, directory) if path else directory
        if below not in skip:
            yield from stored_names(storage, below, skip)


def orphans(storage, older_than, now=None):
    """(name, modified time) of every unreferenced blob modified before `now - older_than`."""
    cutoff = (now or timezone.now()) - older_than
    skip = set(foreign_subtrees(storage))
    referenced = referenced_names(storage)
    found = []
    for name in stored_names(storage, skip=skip):
        if name in referenced:
            continue
        try:
            modified = storage.get_modified_time(name)
        except FileNotFoundError:  # gone since the listing
            continue
        if modified < cutoff:
            found.append((name, modified))
    return found


class Command(BaseCommand):
    help = ("Delete blobs in the private storage that no row references and that are older "
            "than --older-than-hours (default 24): what uploads that failed half-way left "
            "behind. Prints what it deletes.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=float, default=24,
                            help="Keep blobs modified more recently than this (default 24).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Print what would be deleted and delete nothing.")

    def handle(self, *args, older_than_hours=24, dry_run=False, **options):
        if older_than_hours < 0:
            raise CommandError("--older-than-hours must be 0 or more.")
        storage = storages["private"]
        found = orphans(storage, timedelta(hours=older_than_hours))
        verb = "Would delete" if dry_run else "Deleted"
        for name, modified in found:
            if not dry_run:
                storage.delete(name)
            self.stdout.write(f"{verb} orphan blob {name} (modified "
                              f"{modified.astimezone(UTC):%Y-%m-%d %H:%M} UTC)")
        hours = f"{older_than_hours:g}"
        if dry_run:
            self.stdout.write(f"Dry run: {len(found)} orphan blob(s) older than {hours} hours; "
                              "nothing deleted.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Deleted {len(found)} orphan blob(s) older than {hours} hours."))
