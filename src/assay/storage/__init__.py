"""Persistence: the schema, engines, repositories, migrations and the media store."""
