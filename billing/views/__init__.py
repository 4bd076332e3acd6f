"""The contact's side of billing in the portal."""
