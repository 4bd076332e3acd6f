"""Signal receivers of the documents app."""
