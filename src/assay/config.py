"""One Settings object, read from ``ASSAY_*`` environment variables."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assay.errors import ConfigError

# Values that must never reach production: the template's trick, refused outside dev mode.
_KNOWN_DEFAULT_SECRETS = {"changethis", "secret", "dev", ""}

# The repository checkout this package runs from (src/assay/config.py -> the root).
_REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSAY_", extra="ignore")

    env: Literal["dev", "production"] = "production"
    data_dir: Path = Path("assay-data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite in the data dir."
    )
    media_url: str | None = Field(
        default=None, description="fsspec URL of the media store; default: <data_dir>/media."
    )
    public_url: str | None = Field(
        default=None,
        description="Base URL clients reach the server at (attachment URLs); "
        "default http://<host>:<port>.",
    )
    host: str = "127.0.0.1"
    port: int = 8080
    secret_key: str | None = None
    # FULL: a commit is on disk before it is acknowledged, even across a power cut.
    sqlite_synchronous: Literal["NORMAL", "FULL"] = "FULL"
    db_pool_size: int = Field(default=20, ge=1)

    # Work queue
    lease_seconds: float = Field(default=600.0, gt=0)
    max_lease_seconds: float = Field(default=3600.0, gt=0)

    # Jobs and callbacks
    inprocess_worker: bool = True
    worker_concurrency: int = Field(default=16, ge=1)
    worker_poll_seconds: float = Field(default=0.5, gt=0)
    job_lease_seconds: float = Field(default=60.0, gt=0)
    callback_timeout_seconds: float = Field(default=10.0, gt=0)
    callback_deadline_seconds: float = Field(default=24 * 3600.0, gt=0)
    callback_backoff_seconds: float = Field(default=10.0, gt=0)
    callback_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    # Hosts or CIDRs that callbacks and URL imports may reach even though they are private.
    # Comma-separated in the environment: ASSAY_ALLOW_PRIVATE_HOSTS=127.0.0.1,10.0.0.0/8
    allow_private_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Edge limits
    max_body_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_file_bytes: int = Field(default=100 * 1024 * 1024, gt=0)
    rate_limit_per_second: float = Field(default=200.0, ge=0)
    rate_limit_burst: int = Field(default=400, ge=1)
    auth_cache_seconds: float = Field(default=5.0, ge=0)

    # The web app
    session_hours: float = Field(default=12.0, gt=0, le=24 * 366)
    web_dir: Path = Field(
        default=_REPO_ROOT / "web" / "dist",
        description="The built web app (Vite's output), served at /.",
    )

    @field_validator("allow_private_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @model_validator(mode="after")
    def _absolute_paths(self) -> Settings:
        self.data_dir = self.data_dir.expanduser().resolve()
        return self

    @property
    def dev(self) -> bool:
        return self.env == "dev"

    @cached_property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'assay.db'}"

    @cached_property
    def media(self) -> str:
        return self.media_url or str(self.data_dir / "media")

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS when clients reach the server by an https URL."""
        return (self.public_url or "").lower().startswith("https://")

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    def resolved_secret_key(self) -> str:
        """The server secret, checked.

        Outside dev mode a known default is refused. When none is set and the database is the
        embedded SQLite, one is generated once and kept in the data dir; a shared database
        (several servers) needs it set explicitly so that every replica agrees.
        """
        if self.secret_key is not None:
            if self.secret_key in _KNOWN_DEFAULT_SECRETS and not self.dev:
                raise ConfigError(
                    "ASSAY_SECRET_KEY is set to a well-known default; set a random value "
                    "(or ASSAY_ENV=dev for local experiments)."
                )
            return self.secret_key
        if not self.is_sqlite and not self.dev:
            raise ConfigError(
                "ASSAY_SECRET_KEY must be set when the database is shared (PostgreSQL): "
                "every server and worker must use the same value."
            )
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(32)
        path.write_text(value)
        path.chmod(0o600)
        return value


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
