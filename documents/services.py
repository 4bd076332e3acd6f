"""Everything that changes folders and files goes through here, from the admin and the portal
alike: names are cleaned and made unique, uploads are checked, grants are copied, deletions go
to the trash. Views decide *whether* a user may act (through the access policy); these
functions do the act.
"""

import hashlib
import os
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File as DjangoFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from workspaces import grants as shared_grants
from workspaces.audience import Audience
from workspaces.blobs import validation

from . import approvals, tasks
from .models import (
    File,
    FileVersion,
    Folder,
    FolderGroupObjectPermission,
    FolderUserObjectPermission,
)

ACTIONS = ("view", "upload", "manage")
CHUNK = 64 * 1024


# ---------------------------------------------------------------------------- names

def unique_name(siblings, name, exclude_pk=None):
    """`name`, or "name (2).ext", "name (3).ext"... so that no live sibling has it."""
    qs = siblings.alive()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    stem, ext = os.path.splitext(name)
    if len(stem) > 200:
        stem = stem[:200]
    taken = set(qs.filter(name__istartswith=stem).values_list("name", flat=True))
    taken = {t.lower() for t in taken}
    candidate, n = f"{stem}{ext}", 2
    while candidate.lower() in taken:
        candidate, n = f"{stem} ({n}){ext}", n + 1
    return candidate


def _folder_siblings(workspace, parent):
    return Folder.objects.filter(workspace=workspace, parent=parent)


# ---------------------------------------------------------------------------- grants

def folder_grants(folder):
    """{action: {"everyone": bool, "users": set of user ids}} for view, upload, manage."""
    grants = {a: {"everyone": False, "users": set()} for a in ACTIONS}
    group_id = folder.workspace.client_group_id
    for codename in FolderGroupObjectPermission.objects.filter(
            content_object=folder, group_id=group_id).values_list("permission__codename",
                                                                  flat=True):
        grants[codename.split("_")[0]]["everyone"] = True
    for codename, user_id in FolderUserObjectPermission.objects.filter(
            content_object=folder).values_list("permission__codename", "user_id"):
        grants[codename.split("_")[0]]["users"].add(user_id)
    return grants


@transaction.atomic
def set_folder_grants(folder, grants):
    """Replace the folder's grants with `grants` (shape of `folder_grants`), through the
    spine's one grant writer. Upload and manage imply view: whoever may add to a folder may
    see it."""
    grants = {a: {"everyone": bool((grants.get(a) or {}).get("everyone")),
                  "users": set((grants.get(a) or {}).get("users", ()))} for a in ACTIONS}
    view = grants["view"]
    for action in ("upload", "manage"):
        view["everyone"] = view["everyone"] or grants[action]["everyone"]
        view["users"] |= grants[action]["users"]
    for action in ACTIONS:
        grant = grants[action]
        audience = (Audience.WORKSPACE if grant["everyone"]
                    else Audience.SELECTED if grant["users"] else Audience.STAFF)
        shared_grants.replace(folder, audience, grant["users"], action=action,
                              workspace=folder.workspace)


def grant_everyone(folder, actions=("view",)):
    set_folder_grants(folder, {a: {"everyone": a in actions, "users": set()} for a in ACTIONS})


# ---------------------------------------------------------------------------- folders

@transaction.atomic
def create_folder(workspace, name, parent=None, user=None, staff_only=False, grants=None):
    """A new folder takes its parent's grants (or `grants`, when given)."""
    name = validation.clean_name(name, kind="folder")
    if parent is not None and parent.workspace_id != workspace.pk:
        raise ValidationError(_("The folder must be in the same workspace."))
    folder = Folder(workspace=workspace, parent=parent, created_by=user, staff_only=staff_only,
                    name=unique_name(_folder_siblings(workspace, parent), name))
    folder.save()
    if grants is None and parent is not None:
        grants = folder_grants(parent)
    if grants:
        set_folder_grants(folder, grants)
    return folder


def rename_folder(folder, name):
    name = validation.clean_name(name, kind="folder")
    folder.name = unique_name(_folder_siblings(folder.workspace, folder.parent), name,
                              exclude_pk=folder.pk)
    folder.save(update_fields=["name"])
    return folder


@transaction.atomic
def move_folder(folder, new_parent):
    if new_parent is not None:
        if new_parent.workspace_id != folder.workspace_id:
            raise ValidationError(_("A folder can only move within its workspace."))
        if new_parent.path.startswith(folder.path):
            raise ValidationError(_("A folder cannot be moved inside itself."))
        if new_parent.in_trash:
            raise ValidationError(_("The destination folder is in the trash."))
    folder.parent = new_parent
    folder.name = unique_name(_folder_siblings(folder.workspace, new_parent), folder.name,
                              exclude_pk=folder.pk)
    folder.save()
    return folder


def rename_file(file, name):
    name = validation.clean_name(name, kind="file")
    # Keep the extension the content was checked against.
    if os.path.splitext(name)[1].lower() != os.path.splitext(file.name)[1].lower():
        name = os.path.splitext(name)[0] + os.path.splitext(file.name)[1]
    file.name = unique_name(file.folder.files, name, exclude_pk=file.pk)
    file.save(update_fields=["name"])
    return file


def move_file(file, folder):
    if folder.workspace_id != file.workspace_id:
        raise ValidationError(_("A file can only move within its workspace."))
    if folder.in_trash:
        raise ValidationError(_("The destination folder is in the trash."))
    file.name = unique_name(folder.files, file.name, exclude_pk=file.pk)
    file.folder = folder
    file.save(update_fields=["folder", "name"])
    return file


# ---------------------------------------------------------------------------- files

def _store_blob(version, content):
    """Save `content` as the version's blob, hashing it on the way; returns (size, sha256)."""
    digest = hashlib.sha256()
    size = 0
    content.seek(0)
    for chunk in content.chunks(CHUNK) if hasattr(content, "chunks") else iter(
            lambda: content.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    content.seek(0)
    version.blob.save(version.original_name, DjangoFile(content), save=False)
    return size, digest.hexdigest()


@transaction.atomic
def add_file(folder, upload, user=None, name=None):
    """Check an uploaded file and store it as a new file in `folder` (never overwriting a
    namesake: the new one is renamed "name (2).ext")."""
    checked = validation.check_upload(upload, name=name)
    file = File(workspace_id=folder.workspace_id, folder=folder, created_by=user,
                name=unique_name(folder.files, checked.name))
    file.save()
    _new_version(file, upload, checked, user)
    return file


def _refuse_contact_version(file, user):
    """Contacts add no version to a file with an open approval request (see
    `approvals.contact_version_refusal`); firm staff, and the system itself, may. Call it
    with the file's row locked, so that the answer holds until the version is stored."""
    if user is None or user.is_staff:
        return
    refusal = approvals.contact_version_refusal(file)
    if refusal:
        raise ValidationError(refusal, code="awaiting_approval")


@transaction.atomic
def add_version(file, upload, user=None, comment=""):
    """A new version of `file`: the old ones stay; open approval requests go back to
    pending on the new version. A contact may not add one while the file has an open
    approval request (nothing is stored then)."""
    File.objects.select_for_update().filter(pk=file.pk).first()
    _refuse_contact_version(file, user)
    checked = validation.check_upload(upload)
    if os.path.splitext(checked.name)[1].lower() != os.path.splitext(file.name)[1].lower():
        # A new version is the same kind of file, so that the name keeps telling the truth.
        raise ValidationError(
            _("A new version of “%(name)s” must be the same kind of file; “%(upload)s” is "
              "%(what)s.") % {"name": file.name, "upload": checked.name,
                              "what": validation.label_for(checked.content_type)},
            code="version_type")
    return _new_version(file, upload, checked, user, comment=comment)


def _new_version(file, content, checked, user, comment=""):
    number = (file.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = FileVersion(file=file, number=number, original_name=checked.name,
                          content_type=checked.content_type, uploaded_by=user,
                          comment=comment[:500], size=0, sha256="")
    version.size, version.sha256 = _store_blob(version, content)
    version.save()
    file.current_version = version
    file.size = version.size
    file.content_type = version.content_type
    file.updated_at = version.uploaded_at
    file.save(update_fields=["current_version", "size", "content_type", "updated_at"])
    approvals.on_new_version(file, version)
    transaction.on_commit(lambda: tasks.make_thumbnail.enqueue(version.pk))
    return version


@transaction.atomic
def restore_version(version, user=None):
    """Make an old version current again, as a new version with the same content."""
    file = version.file
    File.objects.select_for_update().filter(pk=file.pk).first()
    _refuse_contact_version(file, user)
    checked = validation.Checked(name=version.original_name, content_type=version.content_type,
                                 size=version.size)
    with version.blob.open("rb") as content:
        return _new_version(file, content, checked, user,
                            comment=_("Restored from version %d") % version.number)


# ---------------------------------------------------------------------------- trash

@transaction.atomic
def trash_folder(folder, user=None):
    now = timezone.now()
    folders = folder.descendants(include_self=True).alive()
    File.objects.alive().filter(folder__in=folders.values("pk")).update(
        deleted_at=now, deleted_by=user)
    folders.update(deleted_at=now, deleted_by=user)


def trash_file(file, user=None):
    file.deleted_at = timezone.now()
    file.deleted_by = user
    file.save(update_fields=["deleted_at", "deleted_by"])


@transaction.atomic
def restore_folder(folder):
    """Bring back the folder and what was deleted with it. Its parent being in the trash, it
    comes back at the top level; a namesake that appeared since gets it renamed."""
    stamp = folder.deleted_at
    if stamp is None:
        return folder
    if folder.parent_id and folder.parent.in_trash:
        folder.parent = None
    folder.deleted_at = None
    folder.deleted_by = None
    folder.name = unique_name(_folder_siblings(folder.workspace, folder.parent), folder.name,
                              exclude_pk=folder.pk)
    folder.save()
    inside = folder.descendants().filter(deleted_at=stamp)
    inside.update(deleted_at=None, deleted_by=None)
    for file in File.objects.filter(folder__in=folder.descendants(include_self=True),
                                    deleted_at=stamp):
        file.name = unique_name(file.folder.files, file.name, exclude_pk=file.pk)
        file.deleted_at = None
        file.deleted_by = None
        file.save(update_fields=["name", "deleted_at", "deleted_by"])
    return folder


def restore_file(file):
    if file.folder.in_trash:
        raise ValidationError(
            _("Its folder “%s” is in the trash: restore the folder first.") % file.folder.name)
    file.name = unique_name(file.folder.files, file.name, exclude_pk=file.pk)
    file.deleted_at = None
    file.deleted_by = None
    file.save(update_fields=["name", "deleted_at", "deleted_by"])
    return file


def purge_trash(days=None, now=None):
    """Delete for good what has been in the trash longer than the retention period, blobs
    included. Returns (folders, files) deleted."""
    days = settings.PORTAL_TRASH_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    files = list(File.objects.filter(deleted_at__lt=cutoff))
    folders = Folder.objects.filter(deleted_at__lt=cutoff)
    # Files inside folders that are purged go with them.
    files += list(File.objects.filter(folder__in=folders).exclude(pk__in=[f.pk for f in files]))
    blobs = []
    for version in FileVersion.objects.filter(file__in=files):
        blobs += [version.blob, version.thumbnail]
    with transaction.atomic():
        from .models import Approval

        Approval.objects.filter(file__in=files).delete()
        File.objects.filter(pk__in=[f.pk for f in files]).update(current_version=None)
        FileVersion.objects.filter(file__in=files).delete()
        file_count = File.objects.filter(pk__in=[f.pk for f in files]).delete()[1].get(
            "documents.File", 0)
        folder_count = folders.count()
        folders.delete()
    for blob in blobs:
        if blob:
            blob.storage.delete(blob.name)
    return folder_count, file_count
