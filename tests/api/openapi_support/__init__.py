"""Helpers for the OpenAPI tests: seed data, and a bounded schemathesis run."""
