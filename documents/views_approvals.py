"""The contact's side of approvals: the queue, a request, the decision, the certificate."""

from django.views.generic import TemplateView

from workspaces.views.portal import WorkspaceViewMixin

from .models import Approval


class QueueView(WorkspaceViewMixin, TemplateView):
    tool = "approvals"
    template_name = "documents/portal/approvals.html"

    def get_context_data(self, **kwargs):
        approvals = Approval.objects.filter(workspace=self.workspace,
                                            reviewers=self.request.user)
        return super().get_context_data(approvals=approvals, **kwargs)


def pending_approvals_panel(request, workspace):
    return None
