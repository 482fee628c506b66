"""Scale's v1 task API."""
