"""Signal receivers of the billing app."""
