"""Staff screens in the Wagtail admin, one module per job: a workspace's folders and their
access (folders), files, versions, the trash, and approval requests (approvals). The URLs
are in `documents/admin_urls.py`.

A staff member works on the files of the workspaces they serve (its team, or a firm admin),
the same rule as the Contacts screen: every record is fetched through the staff-side policy
(`documents.policies`), and anything else answers 404. Every
change goes through `documents.services` and is written to Wagtail's audit log.
"""
