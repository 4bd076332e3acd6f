"""Approval requests: asking for one, the queue across workspaces, one request, cancelling
it, and its certificate."""

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log

from workspaces.blobs import serving

from .. import admin_forms, approvals, policies
from ..models import Approval
from .base import DocumentsAdminView, FileObjectMixin


class RequestApprovalView(FileObjectMixin, DocumentsAdminView):
    template_name = "documents/admin/request_approval.html"
    page_title = gettext_lazy("Request approval")
    header_icon = "check"

    def trail(self):
        return super().trail() + [("", self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or admin_forms.RequestApprovalForm(self.file)
        context.update(file=self.file, version=self.file.current_version, form=form,
                       can_see=form.can_see)
        return context

    def post(self, request, *args, **kwargs):
        form = admin_forms.RequestApprovalForm(self.file, request.POST)
        if self.file.current_version_id is None:
            raise Http404
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        try:
            approval = approvals.request_approval(self.file, list(data["reviewers"]),
                                                  data["message"], data["due_date"],
                                                  request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        log(approval, "documents.approval_request", user=request.user, data={
            "file": self.file.name, "version": approval.version.number,
            "reviewers": [u.email for u in data["reviewers"]]})
        messages.success(request, _("Approval of version %(n)s requested from %(who)s; they "
                                    "have been emailed.") % {
            "n": approval.version.number,
            "who": ", ".join(u.email for u in data["reviewers"])})
        return redirect("documents_admin:approval", approval.pk)


class ApprovalQueueView(WagtailAdminTemplateMixin, TemplateView):
    """Approval requests across the workspaces this staff member serves."""

    template_name = "documents/admin/approvals.html"
    page_title = gettext_lazy("Approvals")
    header_icon = "check"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        if status not in Approval.Status.values:
            status = ""
        queryset = policies.approvals.instances_user_has_permission_for(
            self.request.user, "view").select_related(
            "workspace", "file", "version", "requested_by").prefetch_related(
            Prefetch("reviewers", queryset=admin_forms.User.objects.order_by("email")))
        if status:
            queryset = queryset.filter(status=status)
        today = timezone.localdate()
        rows = list(queryset.order_by("-requested_at")[:500])
        for row in rows:
            row.overdue = bool(row.due_date and row.status == Approval.Status.PENDING
                               and row.due_date < today)
        context.update(
            approvals=rows, status=status,
            statuses=[("", _("All"))] + list(Approval.Status.choices),
        )
        return context


class ApprovalMixin:
    def resolve(self, **kwargs):
        self.approval = policies.approvals.get_or_404(
            self.request.user,
            Approval.objects.select_related("workspace", "file__folder", "version",
                                            "requested_by"),
            pk=kwargs["approval_id"])
        self.workspace = self.approval.workspace
        self.file = self.approval.file


class ApprovalView(ApprovalMixin, DocumentsAdminView):
    template_name = "documents/admin/approval.html"
    header_icon = "check"

    def get_page_title(self):
        return _("Approval of “%s”") % self.file.name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("documents_admin:approvals"), "label": _("Approvals")},
            {"url": "", "label": self.file.name},
        ]

    def get_header_buttons(self):
        buttons = []
        if self.approval.status in (Approval.Status.APPROVED, Approval.Status.CHANGES):
            buttons.append(HeaderButton(
                _("Download sign-off certificate"),
                reverse("documents_admin:certificate", args=[self.approval.pk]),
                icon_name="download", priority=10))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decisions = self.approval.decisions.select_related("version").order_by("decided_at")
        context.update(
            approval=self.approval, file=self.file, decisions=decisions,
            reviewers=self.approval.reviewers.order_by("email"),
            file_live=self.file.deleted_at is None,
            decided_emails={d.user_email for d in decisions
                            if d.version_id == self.approval.version_id},
            overdue=bool(self.approval.due_date and self.approval.status == Approval.Status.
                         PENDING and self.approval.due_date < timezone.localdate()),
        )
        return context


class CancelApprovalView(ApprovalMixin, DocumentsAdminView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if self.approval.status != Approval.Status.PENDING:
            messages.error(request, _("Only a request waiting for a decision can be cancelled."))
            return redirect("documents_admin:approval", self.approval.pk)
        approvals.cancel(self.approval, request.user)
        log(self.approval, "documents.approval_cancel", user=request.user,
            data={"file": self.file.name})
        messages.success(request, _("The approval request for “%s” was cancelled.")
                         % self.file.name)
        return redirect("documents_admin:approval", self.approval.pk)


class CertificateView(ApprovalMixin, DocumentsAdminView):
    def get(self, request, *args, **kwargs):
        if self.approval.status not in (Approval.Status.APPROVED, Approval.Status.CHANGES):
            raise Http404
        from ..certificate import certificate_pdf  # loads WeasyPrint: only when asked

        pdf = certificate_pdf(self.approval, request)
        stem = os.path.splitext(self.file.name)[0]
        filename = f"sign-off {stem} v{self.approval.version.number}.pdf"
        return serving.generated(pdf, filename, "application/pdf")
