"""The offline sandbox: a local soketi server and the `membrane` stand-in."""
