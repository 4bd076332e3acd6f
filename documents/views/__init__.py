"""The contact's side of files and approvals, one module per job."""
