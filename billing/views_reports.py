"""The contact's side of monthly reports: the list and the downloads."""

from django.views.generic import TemplateView

from workspaces import access
from workspaces.views.portal import WorkspaceViewMixin

from .models import Report


class ReportListView(WorkspaceViewMixin, TemplateView):
    tool = "reports"
    template_name = "billing/portal/reports.html"

    def get_context_data(self, **kwargs):
        reports = access.visible(self.request.user, self.workspace, Report.objects.all())
        return super().get_context_data(reports=reports, **kwargs)
