"""The contact's side of billing in the portal, split by job: `invoices` (the list, one
invoice, its PDF), `statement` (the statement of account and its PDF) and `reports` (monthly
reports and their downloads); `base` holds what invoices and the statement share.

Every view is a `WorkspaceViewMixin` view of its tool (404 for outsiders, when the firm or the
workspace has the tool off, and for members outside its audience), and every record comes
through the access policy (`access.visible`, which never lets a draft through): a record the
contact may not see answers 404, never 403.
"""
