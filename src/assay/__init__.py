"""Assay: an open-source data engine for machine learning."""

__version__ = "0.1.0"
