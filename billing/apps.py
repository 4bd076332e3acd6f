from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing and reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from workspaces import registry

        from . import audience, dashboard, reports, signals  # noqa: F401
        from .models import (
            Invoice,
            InvoiceGroupObjectPermission,
            InvoiceUserObjectPermission,
            Report,
            ReportGroupObjectPermission,
            ReportUserObjectPermission,
        )

        registry.protect(Invoice, InvoiceUserObjectPermission, InvoiceGroupObjectPermission,
                         tool="billing")
        registry.protect(Report, ReportUserObjectPermission, ReportGroupObjectPermission,
                         tool="reports")
        registry.register_tool(registry.Tool(
            slug="billing", label=_("Billing"), url_name="billing:invoices", icon="receipt",
            prefix="billing", urlconf="billing.urls", order=30,
            stylesheets=("billing/billing.css",),
            firm_switches=(registry.FirmSwitch(
                key="clients_see_billing", label=_("Clients may see billing"),
                help=_("Off: no contact sees invoices or statements, in any workspace, and "
                       "none is emailed about them.")),),
            audience=audience.sees_invoices,
            dashboard_panels=(dashboard.balance_panel,),
            report_sections=(reports.invoices_section,)))
        registry.register_tool(registry.Tool(
            slug="reports", label=_("Reports"), url_name="reports:list", icon="chart",
            prefix="reports", urlconf="billing.urls_reports", order=40,
            audience=audience.sees_reports))
        registry.register_demo(registry.DemoPart("billing", workspace="billing.demo.load"))
