"""Who of a workspace's members sees its invoices and its reports: the workspace's billing
profile, turned into guardian grants on every issued invoice and ready report."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import (
    Invoice,
    InvoiceGroupObjectPermission,
    InvoiceUserObjectPermission,
    Report,
    ReportGroupObjectPermission,
    ReportUserObjectPermission,
    WorkspaceBilling,
)

Audience = WorkspaceBilling.Audience


def profile_for(workspace):
    """The workspace's billing profile (the defaults, unsaved, when it has none yet; cached on
    the workspace object)."""
    profile = getattr(workspace, "_billing_profile", None)
    if profile is None:
        profile = (WorkspaceBilling.objects.filter(workspace=workspace).first()
                   or WorkspaceBilling(workspace=workspace))
        workspace._billing_profile = profile
    return profile


def _allows(audience, chosen_ids, user):
    if audience == Audience.EVERYONE:
        return True
    if audience == Audience.CHOSEN:
        return user.pk in chosen_ids
    return False


def _chosen(profile, field):
    cache = f"_{field}_ids"
    if not hasattr(profile, cache):
        ids = set(getattr(profile, field).values_list("pk", flat=True)) if profile.pk else set()
        setattr(profile, cache, ids)
    return getattr(profile, cache)


def sees_invoices(user, workspace):
    profile = profile_for(workspace)
    return _allows(profile.audience, _chosen(profile, "contacts"), user)


def sees_reports(user, workspace):
    profile = profile_for(workspace)
    return _allows(profile.report_audience, _chosen(profile, "report_contacts"), user)


def _grant(objects, user_model, group_model, codename, model, audience, chosen, workspace):
    permission = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(model), codename=codename)
    ids = [obj.pk for obj in objects]
    user_model.objects.filter(content_object_id__in=ids, permission=permission).delete()
    group_model.objects.filter(content_object_id__in=ids, permission=permission).delete()
    if audience == Audience.EVERYONE:
        group_model.objects.bulk_create([
            group_model(content_object_id=pk, group_id=workspace.client_group_id,
                        permission=permission) for pk in ids])
    elif audience == Audience.CHOSEN:
        user_model.objects.bulk_create([
            user_model(content_object_id=pk, user_id=user_id, permission=permission)
            for pk in ids for user_id in sorted(chosen)])


@transaction.atomic
def sync_invoices(workspace, invoices=None):
    """Grant `view_invoice` on the workspace's issued invoices (or `invoices`) to whom the
    profile says; drafts get no grant."""
    profile = profile_for(workspace)
    if invoices is None:
        invoices = Invoice.objects.filter(workspace=workspace)
    invoices = [i for i in invoices if i.state != Invoice.State.DRAFT]
    _grant(invoices, InvoiceUserObjectPermission, InvoiceGroupObjectPermission, "view_invoice",
           Invoice, profile.audience, _chosen(profile, "contacts"), workspace)


@transaction.atomic
def sync_reports(workspace, reports=None):
    profile = profile_for(workspace)
    if reports is None:
        reports = Report.objects.filter(workspace=workspace)
    _grant(list(reports), ReportUserObjectPermission, ReportGroupObjectPermission,
           "view_report", Report, profile.report_audience, _chosen(profile, "report_contacts"),
           workspace)


def sync_all(workspace):
    """After the profile changed: every invoice and report of the workspace again."""
    workspace._billing_profile = None
    sync_invoices(workspace)
    sync_reports(workspace)
