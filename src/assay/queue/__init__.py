"""The work queue: workflow stages, leases, claims, submissions."""
