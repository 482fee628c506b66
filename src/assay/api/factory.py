"""The app as uvicorn builds it in each server process (settings from the environment)."""

from __future__ import annotations

import sys

from fastapi import FastAPI

from assay.api.app import create_app
from assay.config import Settings
from assay.context import Context


def app_from_env() -> FastAPI:
    # Request threads release the GIL at every database round trip and must win it back to
    # go on; with the default 5 ms switch interval a busy thread makes them queue for it
    # (the convoy effect), which shows as latency with idle cores.
    sys.setswitchinterval(0.0005)
    settings = Settings()
    settings.resolved_secret_key()
    return create_app(Context.from_settings(settings))
