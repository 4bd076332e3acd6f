"""The contact's side of approvals: the queue, a request, the decision, the certificate.

Every approval is fetched through `approvals.visible_approvals` (the requests that ask this
contact and whose file the access policy lets them view): anything else answers 404.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from workspaces.blobs import serving
from workspaces.ratelimit import client_ip
from workspaces.shell import firm_for
from workspaces.views.portal import WorkspaceViewMixin

from .. import approvals
from ..models import Approval, ApprovalDecision


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Your decision"), widget=forms.RadioSelect,
        choices=[(ApprovalDecision.Decision.APPROVED, gettext_lazy("Approve this version")),
                 (ApprovalDecision.Decision.CHANGES, gettext_lazy("Request changes"))],
        error_messages={"required": gettext_lazy("Choose Approve or Request changes.")})
    comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, max_length=approvals.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Required when you request changes. Your firm sees it as "
                               "plain text."))
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": gettext_lazy("This page was out of date: please reload it and decide "
                                 "again."),
        "invalid": gettext_lazy("This page was out of date: please reload it and decide "
                                "again.")})


def _file_links(workspace, file):
    """Links to the files tool's preview and download of the file (None where the files
    tool offers no such route)."""
    links = {}
    for key, name in (("preview", "documents:file"), ("download", "documents:file_download")):
        try:
            links[key] = reverse(name, args=[workspace.slug, file.pk])
        except NoReverseMatch:
            links[key] = None
    return links


class ApprovalMixin(WorkspaceViewMixin):
    tool = "approvals"

    def get_queryset(self):
        return approvals.with_my_decision(
            approvals.visible_approvals(self.request.user, self.workspace,
                                        firm_for(self.request)),
            self.request.user).select_related(
                "file", "version", "version__uploaded_by", "requested_by")

    def get_context_data(self, **kwargs):
        kwargs["workspace"] = self.workspace  # the page, not the slug from the URL
        return super().get_context_data(**kwargs)

    def get_approval(self):
        approval = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if approval is None:
            raise Http404
        return approval


class QueueView(ApprovalMixin, TemplateView):
    """Waiting for my decision first (soonest due first), then the rest, latest first."""

    template_name = "documents/portal/approvals.html"

    def get_context_data(self, **kwargs):
        rows = list(self.get_queryset().annotate(
            waiting=Case(When(status=Approval.Status.PENDING, then=Value(0)),
                         default=Value(1), output_field=IntegerField())).order_by(
            "waiting", F("due_date").asc(nulls_last=True), "-decided_at", "-requested_at"))
        today = timezone.localdate()
        for row in rows:
            row.overdue = bool(row.status == Approval.Status.PENDING and row.due_date
                               and row.due_date < today and not row.decided_by_me)
        to_decide = [r for r in rows if r.status == Approval.Status.PENDING
                     and not r.decided_by_me]
        waiting = [r for r in rows if r.status == Approval.Status.PENDING and r.decided_by_me]
        decided = [r for r in rows if r.status != Approval.Status.PENDING]
        return super().get_context_data(to_decide=to_decide, waiting=waiting, decided=decided,
                                        **kwargs)


class DetailView(ApprovalMixin, TemplateView):
    template_name = "documents/portal/approval_detail.html"
    form = None

    def get_context_data(self, **kwargs):
        approval = self.get_approval()
        decisions = list(ApprovalDecision.objects.filter(approval=approval)
                         .select_related("version").order_by("-decided_at"))
        mine = next((d for d in decisions if d.user_id == self.request.user.pk
                     and d.version_id == approval.version_id), None)
        can_decide = (approval.status == Approval.Status.PENDING and mine is None
                      and approval.file.current_version_id == approval.version_id)
        form = self.form or DecisionForm(initial={"version": approval.version_id})
        return super().get_context_data(
            approval=approval, file=approval.file, version=approval.version,
            decisions=decisions, my_decision=mine, can_decide=can_decide, form=form,
            links=_file_links(self.workspace, approval.file),
            preview=getattr(self.request, "preview", None),
            overdue=bool(approval.status == Approval.Status.PENDING and approval.due_date
                         and approval.due_date < timezone.localdate()),
            certificate=approval.status in (Approval.Status.APPROVED, Approval.Status.CHANGES),
            **kwargs)


class DecideView(ApprovalMixin, View):
    """POST only: record the decision, back to the request page with a message; a refused
    decision shows the page again with the reason."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        approval = self.get_approval()
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                record = approvals.decide(
                    approval, request.user, form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"], ip=client_ip(request),
                    version=form.cleaned_data["version"])
            except PermissionDenied as error:
                raise Http404 from error
            except ValidationError as error:
                for field, errors in _error_items(error):
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if record.decision == ApprovalDecision.Decision.APPROVED:
                    messages.success(request, _("You approved version %d. Thank you.")
                                     % record.version.number)
                else:
                    messages.success(request, _("Your request for changes to version %d has "
                                                "been sent.") % record.version.number)
                return redirect("approvals:detail", self.workspace.slug, approval.pk)
        view = DetailView()
        view.setup(request, *args, **kwargs)
        view.workspace = self.workspace
        view.form = form
        return view.render_to_response(view.get_context_data(), status=400)


def _error_items(error):
    if hasattr(error, "error_dict"):
        return [(field, errors) for field, errors in error.message_dict.items()]
    return [(None, error.messages)]


class CertificateView(ApprovalMixin, View):
    """The sign-off certificate of a decided request, as a PDF."""

    def get(self, request, *args, **kwargs):
        from ..certificate import certificate_pdf  # loads WeasyPrint: only when asked

        approval = self.get_approval()
        if approval.status not in (Approval.Status.APPROVED, Approval.Status.CHANGES):
            raise Http404
        pdf = certificate_pdf(approval, request=request)
        name = slugify(approval.file.name.rsplit(".", 1)[0]) or "document"
        return serving.generated(pdf, f"sign-off-{name}-v{approval.version.number}.pdf",
                                 "application/pdf", inline=True)
