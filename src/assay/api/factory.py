"""The app as uvicorn builds it in each server process (settings from the environment)."""

from __future__ import annotations

from fastapi import FastAPI

from assay.api.app import create_app
from assay.config import Settings
from assay.context import Context


def app_from_env() -> FastAPI:
    settings = Settings()
    settings.resolved_secret_key()
    return create_app(Context.from_settings(settings))
