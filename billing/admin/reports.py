"""Monthly reports in the admin: "Make a report now" on a workspace's Billing page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .. import admin_forms, reports
from .workspace import WorkspaceBillingView


class RequestReportView(WorkspaceBillingView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = admin_forms.ReportRequestForm(request.POST)
        if form.is_valid():
            try:
                report = reports.request_report(self.workspace, form.cleaned_data["month"],
                                                request.user)
            except ValidationError as error:
                form.add_error("month", error)
            else:
                log(instance=self.workspace, action="billing.report_request",
                    user=request.user, data={"month": report.month.strftime("%Y-%m"),
                                             "report": report.pk})
                messages.success(request, _("The report of %s is being made; it is listed "
                                            "below when ready.") % reports.month_label(
                    report.month))
                return redirect("billing_admin:workspace", self.workspace.pk)
        return self.render_to_response(self.get_context_data(report_form=form), status=400)
