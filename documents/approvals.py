"""Approval requests and decisions.

Staff ask chosen contacts to approve a file's current version (`request_approval`). Each
contact decides once per version (`decide`); the decision is bound to that exact version and
its SHA-256, re-checked against the stored blob at that moment, and records who, when and
from which IP. A new version of the file puts the request back to pending on it
(`on_new_version`); decisions on older versions stay bound to them. Staff may `cancel`.

While a request is open (not cancelled), only firm staff may add versions to its file
(`contact_version_refusal`): a contact who could upload the version they are asked to approve
could sign off their own content. Every decision freezes who uploaded the version it is on.

Who may decide is the access policy's answer: a reviewer decides only while they may still
view the file. Lists for a contact come from `visible_approvals` (one query).
"""

import hashlib
import ipaddress
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from workspaces import access
from workspaces.emails import send_branded

from .models import Approval, ApprovalDecision, File

logger = logging.getLogger(__name__)

COMMENT_MAX = 5000
MESSAGE_MAX = 5000
CHUNK = 64 * 1024


# ---------------------------------------------------------------------------- who

def _full_name(user):
    return user.get_full_name() or user.email


def uploader_of(version):
    """(name, email) of whoever uploaded `version`, or ("", "") when unknown."""
    user = version.uploaded_by if version.uploaded_by_id else None
    if user is None:
        return "", ""
    return _full_name(user)[:300], user.email


def contact_version_refusal(file):
    """Why a contact may not add a version to `file` now, or None when they may.

    A new version puts every request on the file that is not cancelled back to pending on
    it, so a contact's upload could be approved by that same contact (or undo a sign-off):
    while any such request exists, versions come from the firm."""
    statuses = set(Approval.objects.filter(file=file).exclude(
        status=Approval.Status.CANCELLED).values_list("status", flat=True))
    if not statuses:
        return None
    if statuses == {Approval.Status.APPROVED}:
        return _("This file has been signed off; the firm can add a new version.")
    return _("This file is waiting for approval; the firm can add a new version.")


def may_review(user, file):
    """May this contact decide on this file: an active member who may view it (the
    policy's four layers)."""
    return user is not None and access.may(user, "view", file)


def eligible_reviewers(approval):
    """The reviewers who may still decide (they may view the file)."""
    return [user for user in approval.reviewers.all() if may_review(user, approval.file)]


def visible_approvals(user, workspace, firm=None):
    """Open and decided (not cancelled) requests that ask `user` and whose file the user may
    view, in one query (pass the Site's `firm` settings when the caller has them)."""
    files = access.visible(user, workspace, File.objects.all(), firm=firm)
    return (Approval.objects.filter(workspace=workspace, reviewers=user,
                                    file__in=files.values("pk"))
            .exclude(status=Approval.Status.CANCELLED))


def with_my_decision(queryset, user):
    """Annotate `decided_by_me`: the user has decided on the request's current version."""
    return queryset.annotate(decided_by_me=Exists(ApprovalDecision.objects.filter(
        approval=OuterRef("pk"), version=OuterRef("version"), user=user)))


# ---------------------------------------------------------------------------- request

def _clean_text(text, limit):
    """Plain text as typed: NUL and other control characters (but newlines and tabs) go."""
    text = (text or "").replace("\r\n", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32 and ord(ch) != 127)
    return text.strip()[:limit]


def request_approval(file, reviewers, message="", due_date=None, requested_by=None):
    """Ask `reviewers` (contacts) to approve the current version of `file`; emails them."""
    file = File.objects.select_related("workspace", "current_version", "folder").get(pk=file.pk)
    if file.in_trash:
        raise ValidationError(_("“%s” is in the trash: restore it before asking for approval.")
                              % file.name)
    if file.current_version_id is None:
        raise ValidationError(_("“%s” has no content yet.") % file.name)
    reviewers = list({user.pk: user for user in reviewers}.values())
    if not reviewers:
        raise ValidationError({"reviewers": _("Choose at least one contact to ask.")})
    refused = []
    for user in reviewers:
        if user.is_staff:
            refused.append(_("%(name)s is firm staff, not a contact of the workspace.")
                           % {"name": _full_name(user)})
            continue
        explanation = access.explain(user, "view", file)
        if not explanation.allowed:
            refused.append(_("%(name)s cannot see this file: %(reason)s") % {
                "name": _full_name(user), "reason": explanation.deciding.reason})
    if refused:
        raise ValidationError({"reviewers": refused})
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": _("The due date is in the past.")})
    with transaction.atomic():
        approval = Approval.objects.create(
            workspace=file.workspace, file=file, version=file.current_version,
            message=_clean_text(message, MESSAGE_MAX), due_date=due_date,
            requested_by=requested_by)
        approval.reviewers.set(reviewers)
        for user in reviewers:
            _email_on_commit(approval, user, "requested")
    return approval


# ---------------------------------------------------------------------------- decide

def _clean_ip(ip):
    """A valid IPv4/IPv6 address, or None (a garbled forwarded header records nothing)."""
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return None


def _blob_sha256(version):
    digest = hashlib.sha256()
    with version.blob.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _refresh_status(approval):
    """Approved when every reviewer who may still decide approved the current version;
    changes when any of them asked for changes; pending otherwise."""
    decisions = list(approval.decisions.filter(version=approval.version))
    eligible = {user.pk for user in eligible_reviewers(approval)}
    if any(d.decision == ApprovalDecision.Decision.CHANGES for d in decisions):
        status = Approval.Status.CHANGES
    elif eligible and eligible <= {d.user_id for d in decisions
                                   if d.decision == ApprovalDecision.Decision.APPROVED}:
        status = Approval.Status.APPROVED
    else:
        status = Approval.Status.PENDING
    approval.status = status
    approval.decided_at = timezone.now() if status != Approval.Status.PENDING else None
    approval.save(update_fields=["status", "decided_at"])
    return status


def decide(approval, user, decision, comment="", ip=None, version=None):
    """Record `user`'s decision ("approved" or "changes") on the approval's current version.

    `version`: the version the user was shown (a FileVersion or its pk); when a newer one
    has arrived since, the decision is refused so nobody signs what they did not see.
    Raises ValidationError with a message for the user when the decision cannot be made.
    """
    if decision not in ApprovalDecision.Decision.values:
        raise ValidationError({"decision": _("Choose Approve or Request changes.")})
    comment = _clean_text(comment, COMMENT_MAX)
    if decision == ApprovalDecision.Decision.CHANGES and not comment:
        raise ValidationError({"comment": _("Say what should change: a comment is required "
                                            "when you request changes.")})
    with transaction.atomic():
        approval = (Approval.objects.select_for_update(of=("self",))
                    .select_related("file", "file__workspace", "version__uploaded_by")
                    .get(pk=approval.pk))
        if not (approval.reviewers.filter(pk=user.pk).exists()
                and may_review(user, approval.file)):
            raise PermissionDenied(_("You are not asked to decide on this request."))
        current = approval.version
        if approval.status == Approval.Status.CANCELLED:
            raise ValidationError(_("This request has been withdrawn."))
        if approval.file.current_version_id != current.pk:
            raise ValidationError(_("The file has changed since this request was made; "
                                    "please reload the page."))
        version_pk = getattr(version, "pk", version)
        if version_pk is not None and int(version_pk) != current.pk:
            raise ValidationError(_("Version %d was uploaded since you opened this page: "
                                    "please look at it before deciding.") % current.number)
        if approval.decisions.filter(version=current, user=user).exists():
            raise ValidationError(_("You have already decided on version %d.")
                                  % current.number)
        if approval.status != Approval.Status.PENDING:
            raise ValidationError(_("Version %d has already been decided on.")
                                  % current.number)
        if _blob_sha256(current) != current.sha256:
            logger.error("Approval %s: blob of version %s no longer matches its SHA-256",
                         approval.pk, current.pk)
            raise ValidationError(_("The stored file no longer matches the fingerprint it "
                                    "was uploaded with, so no decision can be bound to it. "
                                    "Your firm has to look into it."))
        uploader_name, uploader_email = uploader_of(current)
        record = ApprovalDecision.objects.create(
            approval=approval, version=current, sha256=current.sha256, user=user,
            user_name=_full_name(user)[:300], user_email=user.email, decision=decision,
            uploader_name=uploader_name, uploader_email=uploader_email,
            comment=comment, ip_address=_clean_ip(ip))
        status = _refresh_status(approval)
        for recipient in _staff_recipients(approval):
            _email_on_commit(approval, recipient, "decided", decision_id=record.pk)
        if status != Approval.Status.PENDING:
            logger.info("Approval %s is now %s", approval.pk, status)
    return record


def cancel(approval, user):
    """Withdraw a request (firm staff only). Its decisions are kept."""
    if not (user and user.is_staff):
        raise PermissionDenied(_("Only firm staff may withdraw a request."))
    with transaction.atomic():
        approval = Approval.objects.select_for_update().get(pk=approval.pk)
        if approval.status == Approval.Status.CANCELLED:
            raise ValidationError(_("This request has already been withdrawn."))
        approval.status = Approval.Status.CANCELLED
        approval.save(update_fields=["status"])
    return approval


def on_new_version(file, version):
    """A new version puts every open request on the file back to pending, on that version,
    and tells the reviewers that it awaits them. Earlier decisions stay bound to the
    versions they were made on."""
    approvals = list(Approval.objects.filter(file=file).exclude(
        status=Approval.Status.CANCELLED).prefetch_related("reviewers"))
    Approval.objects.filter(pk__in=[a.pk for a in approvals]).update(
        version=version, status=Approval.Status.PENDING, decided_at=None)
    for approval in approvals:
        approval.version = version
        for user in approval.reviewers.all():
            _email_on_commit(approval, user, "new_version")


# ---------------------------------------------------------------------------- email

def _staff_recipients(approval):
    """Who hears of a decision: the staff member who asked and the workspace's team."""
    users = {}
    if approval.requested_by_id and approval.requested_by.is_active:
        users[approval.requested_by_id] = approval.requested_by
    for member in approval.workspace.team_members.select_related("user"):
        if member.user.is_active:
            users.setdefault(member.user_id, member.user)
    return list(users.values())


def _email_on_commit(approval, user, kind, decision_id=None):
    approval_id, user_id = approval.pk, user.pk
    transaction.on_commit(lambda: send_approval_email.enqueue(
        approval_id, user_id, kind, decision_id))


def approval_url(approval, site):
    base = site.root_url if site else ""
    return base + reverse("approvals:detail", args=[approval.workspace.slug, approval.pk])


def admin_url(approval):
    """The request's page in the staff admin (the admin's home if it has none)."""
    from django.conf import settings
    from django.urls import NoReverseMatch

    try:
        path = reverse("documents_admin:approval", args=[approval.pk])
    except NoReverseMatch:
        path = reverse("wagtailadmin_home")
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@task()
def send_approval_email(approval_id, user_id, kind, decision_id=None):
    """kind: "requested" and "new_version" go to a reviewer (who must still be able to see
    the file), "decided" to firm staff."""
    approval = Approval.objects.select_related(
        "file", "version__uploaded_by", "workspace", "requested_by").filter(
            pk=approval_id).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if approval is None or user is None or approval.status == Approval.Status.CANCELLED:
        return
    if kind in ("requested", "new_version") and not may_review(user, approval.file):
        return
    workspace = approval.workspace
    site = workspace.get_site()
    firm = access.firm_settings_for(workspace)
    decision = (ApprovalDecision.objects.select_related("version").filter(pk=decision_id)
                .first() if decision_id else None)
    if decision is not None:
        # The version decided on, as frozen in the decision (it may not be current any more).
        uploader_name, uploader_email = decision.uploader_name, decision.uploader_email
    else:
        uploader_name, uploader_email = uploader_of(approval.version)
    context = {
        "approval": approval, "file": approval.file,
        "version": approval.version, "workspace": workspace, "decision": decision,
        "kind": kind, "uploader_name": uploader_name, "uploader_email": uploader_email,
        "link": approval_url(approval, site) if kind != "decided" else admin_url(approval),
    }
    template = "decided" if kind == "decided" else "requested"
    send_branded(user, f"emails/approval_{template}", context, firm)
