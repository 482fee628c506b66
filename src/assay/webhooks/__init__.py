"""Outbound HTTP: callbacks (signed, retried) and the guard against private addresses."""
