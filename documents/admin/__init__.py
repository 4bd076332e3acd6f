"""Staff screens in the Wagtail admin for files and approvals, one module per job."""
