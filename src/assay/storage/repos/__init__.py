"""Repositories: every SQL statement Assay runs, grouped by table family."""
