"""Who of a workspace's members sees its invoices and its reports: the workspace's billing
profile (the portal's `Audience` twice), turned into guardian grants on every issued invoice
and report by the spine's one grant writer, `workspaces.grants.replace`."""

from django.db import transaction

from workspaces import grants
from workspaces.audience import Audience

from .models import Invoice, Report, WorkspaceBilling


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
    if audience == Audience.WORKSPACE:
        return True
    if audience == Audience.SELECTED:
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


@transaction.atomic
def sync_invoices(workspace, invoices=None):
    """Grant `view_invoice` on the workspace's issued invoices (or `invoices`) to whom the
    profile says; drafts get no grant."""
    profile = profile_for(workspace)
    if invoices is None:
        invoices = Invoice.objects.filter(workspace=workspace)
    invoices = [i for i in invoices if i.state != Invoice.State.DRAFT]
    grants.replace(invoices, profile.audience, _chosen(profile, "contacts"),
                   workspace=workspace)


@transaction.atomic
def sync_reports(workspace, reports=None):
    profile = profile_for(workspace)
    if reports is None:
        reports = Report.objects.filter(workspace=workspace)
    grants.replace(list(reports), profile.report_audience,
                   _chosen(profile, "report_contacts"), workspace=workspace)


def sync_all(workspace):
    """After the profile changed: every invoice and report of the workspace again."""
    workspace._billing_profile = None
    sync_invoices(workspace)
    sync_reports(workspace)
