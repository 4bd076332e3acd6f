"""Staff screens of billing in the Wagtail admin."""
