"""What services need from the running process, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from assay.config import Settings
from assay.queue.policy import LeasePolicy
from assay.storage.db import Database
from assay.storage.media import MediaStore
from assay.webhooks.netguard import NetGuard


@dataclass(slots=True)
class Context:
    settings: Settings
    db: Database
    media: MediaStore
    guard: NetGuard
    lease: LeasePolicy

    @classmethod
    def from_settings(cls, settings: Settings, *, pool_size: int | None = None) -> Context:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(
            settings=settings,
            db=Database(
                settings.db_url,
                pool_size=pool_size or settings.db_pool_size,
                sqlite_synchronous=settings.sqlite_synchronous,
            ),
            media=MediaStore(settings.media),
            guard=NetGuard(settings.allow_private_hosts),
            lease=LeasePolicy(settings.lease_seconds, settings.max_lease_seconds),
        )

    def close(self) -> None:
        self.db.dispose()
