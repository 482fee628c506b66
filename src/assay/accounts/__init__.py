"""Organizations, users, roles and API keys."""
