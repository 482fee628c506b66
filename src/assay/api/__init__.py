"""The HTTP layer: Scale's /v1 API, Assay's /api/v1, errors, auth, limits."""
