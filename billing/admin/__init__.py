"""Staff screens of billing in the Wagtail admin, beside the Invoices viewset
(`billing.viewsets`), split by job as Wagtail's own apps are:

- `base`: what every screen shares (the invoice fetched through the policy, its summary, who
  would see it) and the base view;
- `invoice`: an issued or void invoice, read only, with its header buttons;
- `actions`: issue, duplicate, record a payment, void, credit note;
- `pdfs`: an invoice's PDF and a ready report's download;
- `workspace`: a workspace's Billing page (who sees invoices and reports, billing details);
- `reports`: "Make a report now" on that page.

Their URLs are in `billing.admin_urls`, registered from `billing.wagtail_hooks`.

Staff act only on the workspaces whose page they may edit (their teams'; superusers: all);
anything else answers 404. Every change goes through `billing.services` (or
`billing.reports`) and is written to Wagtail's audit log.
"""
