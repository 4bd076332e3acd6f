"""Folders, files, versions and approvals of a client workspace.

Folders carry the object permissions (view, upload, manage), granted through guardian's
direct foreign-key tables to the workspace's client group or to single contacts. Files and
their versions follow their folder. Blobs live in the spine's private storage
(`workspaces.blobs.storage`) and are only ever served through a permission-checked view.
"""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

# `private_storage` is named by migration 0001 at this path too: keep it importable here.
from workspaces.blobs.storage import private_name, private_storage
from workspaces.models import WorkspacePage

TRASH_DAYS = 30


def version_upload_to(instance, filename):
    """Blobs are named by workspace and a random token, never by the uploaded name."""
    return private_name(f"ws{instance.file.workspace_id}", filename=filename)


def thumbnail_upload_to(instance, filename):
    return private_name(f"ws{instance.file.workspace_id}", "thumbs", filename="t.png")


class TrashQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def trashed(self):
        return self.filter(deleted_at__isnull=False)


class Folder(models.Model):
    workspace = models.ForeignKey(WorkspacePage, on_delete=models.CASCADE,
                                  related_name="folders", verbose_name=_("workspace"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="children", verbose_name=_("parent folder"))
    name = models.CharField(_("name"), max_length=200)
    # "/12/40/57/": the ids from the top folder down to this one, for subtree queries.
    path = models.CharField(max_length=1000, db_index=True, editable=False, default="")
    staff_only = models.BooleanField(
        _("firm staff only"), default=False,
        help_text=_("Never shown to contacts, whatever the grants say. Folders inside it are "
                    "staff only too."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    deleted_at = models.DateTimeField(_("moved to trash"), null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    objects = TrashQuerySet.as_manager()

    class Meta:
        verbose_name = _("folder")
        verbose_name_plural = _("folders")
        ordering = ["name"]
        permissions = [
            ("upload_folder", "Can upload files and create folders in the folder"),
            ("manage_folder", "Can rename, move and delete in the folder"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "parent", "name"], name="folder_unique_live_name",
                condition=models.Q(deleted_at__isnull=True)),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.parent_id and self.parent.staff_only:
            self.staff_only = True
        super().save(*args, **kwargs)
        path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if path != self.path:
            old = self.path
            self.path = path
            Folder.objects.filter(pk=self.pk).update(path=path)
            if old:
                # Re-root the subtree after a move.
                from django.db.models import Value
                from django.db.models.functions import Concat, Substr

                Folder.objects.filter(path__startswith=old).exclude(pk=self.pk).update(
                    path=Concat(Value(path), Substr("path", len(old) + 1)))
        if self.staff_only:
            self.descendants().filter(staff_only=False).update(staff_only=True)

    def clean(self):
        if self.parent_id and self.parent.workspace_id != self.workspace_id:
            raise ValidationError({"parent": _("The folder must be in the same workspace.")})
        if self.pk and self.parent_id and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("A folder cannot be moved inside itself.")})

    @property
    def ancestor_ids(self):
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def ancestors(self):
        """From the top folder down to the parent, in order."""
        ids = self.ancestor_ids
        found = {f.pk: f for f in Folder.objects.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]

    def descendants(self, include_self=False):
        qs = Folder.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def is_inside(self, other):
        return self.path.startswith(other.path)

    @property
    def in_trash(self):
        return self.deleted_at is not None

    @classmethod
    def portal_filter(cls):
        """What no contact ever sees, whatever the grants: staff-only and trashed folders."""
        return models.Q(staff_only=False, deleted_at__isnull=True)

    def portal_hidden_reason(self):
        if self.staff_only:
            return _("Marked firm staff only.")
        if self.in_trash:
            return _("In the trash.")
        return None


class FolderUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Folder, on_delete=models.CASCADE)


class FolderGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Folder, on_delete=models.CASCADE)


class File(models.Model):
    """A named document in a folder; its content is its current version."""

    workspace = models.ForeignKey(WorkspacePage, on_delete=models.CASCADE,
                                  related_name="files", verbose_name=_("workspace"))
    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="files",
                               verbose_name=_("folder"))
    name = models.CharField(_("name"), max_length=255)
    current_version = models.ForeignKey("FileVersion", on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+")
    # Copied from the current version so that listings need no join.
    size = models.BigIntegerField(_("size"), default=0)
    content_type = models.CharField(_("type"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    deleted_at = models.DateTimeField(_("moved to trash"), null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    objects = TrashQuerySet.as_manager()

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["folder", "name"], name="file_unique_live_name",
                                    condition=models.Q(deleted_at__isnull=True)),
        ]
        indexes = [models.Index(fields=["workspace", "-updated_at"])]

    def __str__(self):
        return self.name

    @property
    def in_trash(self):
        return self.deleted_at is not None

    @classmethod
    def portal_filter(cls):
        return models.Q(deleted_at__isnull=True)

    def portal_hidden_reason(self):
        return _("In the trash.") if self.in_trash else None

    @cached_property
    def extension(self):
        return os.path.splitext(self.name)[1].lstrip(".").lower()


class FileVersion(models.Model):
    file = models.ForeignKey(File, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    blob = models.FileField(storage=private_storage, upload_to=version_upload_to,
                            max_length=300)
    original_name = models.CharField(_("uploaded as"), max_length=255)
    size = models.BigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=120)
    sha256 = models.CharField("SHA-256", max_length=64)
    thumbnail = models.FileField(storage=private_storage, upload_to=thumbnail_upload_to,
                                 max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    comment = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("file version")
        verbose_name_plural = _("file versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="version_unique_number"),
        ]

    def __str__(self):
        return f"{self.file.name} v{self.number}"

    @property
    def is_current(self):
        return self.file.current_version_id == self.pk


class Approval(models.Model):
    """Staff ask chosen contacts to approve a file. The request follows the file's current
    version; each decision is bound to the version (and its SHA-256) it was made on."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        CHANGES = "changes", _("Changes requested")
        CANCELLED = "cancelled", _("Cancelled")

    workspace = models.ForeignKey(WorkspacePage, on_delete=models.CASCADE,
                                  related_name="approvals")
    file = models.ForeignKey(File, on_delete=models.CASCADE, related_name="approvals")
    version = models.ForeignKey(FileVersion, on_delete=models.RESTRICT, related_name="+",
                                help_text=_("The version to be decided on."))
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="approvals_asked",
                                       verbose_name=_("asked"))
    message = models.TextField(_("message"), blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self):
        return f"{self.file.name} v{self.version.number}"


class ApprovalDecision(models.Model):
    """One contact's decision on one exact version. Written once, never changed."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CHANGES = "changes", _("Changes requested")

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="decisions")
    version = models.ForeignKey(FileVersion, on_delete=models.RESTRICT, related_name="+")
    sha256 = models.CharField("SHA-256", max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="+")
    # Copied at decision time: the record stays true if the person is renamed later.
    user_name = models.CharField(max_length=300)
    user_email = models.EmailField()
    # Who uploaded the version decided on, copied the same way: a contact who could upload
    # the version they then approve would otherwise be hidden behind "approved (version 2)".
    uploader_name = models.CharField(_("version uploaded by"), max_length=300, blank=True)
    uploader_email = models.EmailField(_("uploader's email"), blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("approval decision")
        ordering = ["decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["approval", "version", "user"],
                                    name="decision_once_per_version"),
        ]

    def __str__(self):
        return f"{self.user_email}: {self.decision}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValidationError(_("A decision cannot be changed once it is made."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A decision cannot be deleted."))
