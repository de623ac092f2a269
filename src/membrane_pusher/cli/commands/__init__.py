"""One module per command; each imports heavy libraries only when it runs."""
