"""The contact's side of monthly reports: the list of ready reports and their downloads.

Both go through the access policy: the "reports" tool must be on and the contact among the
workspace's report contacts (the tool's audience), and each report is fetched with
`access.get_visible_or_404` (ready reports granted to them only; anything else is 404).
"""

from django.http import Http404
from django.views import View
from django.views.generic import TemplateView

from workspaces import access
from workspaces.blobs.serving import serve_blob
from workspaces.views.portal import WorkspaceViewMixin

from ..models import Report


class ReportListView(WorkspaceViewMixin, TemplateView):
    tool = "reports"
    template_name = "billing/portal/reports.html"

    def get_context_data(self, **kwargs):
        reports = (access.visible(self.request.user, self.workspace, Report.objects.all())
                   .order_by("-month", "-generated_at"))
        kwargs["workspace"] = self.workspace  # the page, not the slug from the URL
        return super().get_context_data(reports=list(reports), **kwargs)


class ReportDownloadView(WorkspaceViewMixin, View):
    tool = "reports"

    def get(self, request, *args, **kwargs):
        report = access.get_visible_or_404(request.user, self.workspace, Report.objects.all(),
                                           pk=kwargs["pk"])
        if not report.pdf:
            raise Http404
        return serve_blob(request, report.pdf, f"report-{report.month:%Y-%m}.pdf",
                          "application/pdf", inline=False)
