"""File use-cases."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
from collections.abc import Iterator
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import httpx

from assay import clock
from assay.accounts.model import Scope
from assay.context import Context
from assay.errors import Invalid, NotFound, TooLarge
from assay.ids import is_id, new_id
from assay.storage.repos import files as repo
from assay.tasks.wire import iso


def file_json(ctx: Context, row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "attachment_url": f"{ctx.settings.base_url}/v1/files/{row['id']}",
        "filename": row["filename"],
        "mime_type": row["content_type"],
        "size": row["size_bytes"],
        "sha256": row["sha256"],
        "display_name": row["display_name"],
        "reference_id": row["reference_id"],
        "project_name": row["project_name"],
        "created_at": iso(row["created_at"]),
    }


def _store(
    ctx: Context,
    *,
    scope: Scope,
    stream: BinaryIO,
    filename: str,
    content_type: str | None,
    source_url: str | None,
    fields: dict[str, str | None],
) -> dict[str, Any]:
    """Copy a stream into the media store, counting bytes against the limit as it goes."""
    # Multipart fields skip the JSON body checks; PostgreSQL cannot store NUL in text.
    for key, value in {**fields, "filename": filename, "content_type": content_type}.items():
        if value is not None and "\x00" in value:
            raise Invalid(f"{key}: NUL characters are not allowed")
        if value is not None and len(value) > 255 and key != "filename":
            raise Invalid(f"{key}: at most 255 characters")
    limit = ctx.settings.max_file_bytes
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as tmp:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"file is larger than the limit of {limit} bytes")
            digest.update(chunk)
            tmp.write(chunk)
        tmp.seek(0)
        fid = new_id()
        key = f"files/{scope.organization_id}/{fid[:4]}/{fid}"
        ctx.media.put(key, tmp)  # type: ignore[arg-type]
    name = os.path.basename(filename) or fid
    row = {
        "id": fid,
        "organization_id": scope.organization_id,
        "is_test": scope.is_test,
        "storage_key": key,
        "filename": name[:255],
        "content_type": content_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
        "size_bytes": size,
        "sha256": digest.hexdigest(),
        "source_url": source_url,
        "display_name": fields.get("display_name"),
        "reference_id": fields.get("reference_id"),
        "project_name": fields.get("project_name"),
        "created_at": clock.now(),
    }
    with ctx.db.write() as conn:
        repo.insert_file(conn, row)
    return file_json(ctx, row)


def upload(
    ctx: Context,
    *,
    scope: Scope,
    stream: BinaryIO,
    filename: str,
    content_type: str | None,
    fields: dict[str, str | None],
) -> dict[str, Any]:
    return _store(
        ctx,
        scope=scope,
        stream=stream,
        filename=filename,
        content_type=content_type,
        source_url=None,
        fields=fields,
    )


class _Body:
    """A file-like view of an httpx streaming response."""

    def __init__(self, it: Iterator[bytes]) -> None:
        self._it = it
        self._buf = b""

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buf) < n:
            try:
                self._buf += next(self._it)
            except StopIteration:
                break
        if n < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:n], self._buf[n:]
        return out


def import_url(
    ctx: Context, *, scope: Scope, url: str, fields: dict[str, str | None]
) -> dict[str, Any]:
    ctx.guard.check_resolved(url)
    try:
        with (
            httpx.Client(timeout=30, follow_redirects=False) as client,
            client.stream("GET", url) as resp,
        ):
            if resp.status_code != 200:
                raise Invalid(f"file_url: fetching it answered HTTP {resp.status_code}")
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > ctx.settings.max_file_bytes:
                raise TooLarge(
                    f"file is larger than the limit of {ctx.settings.max_file_bytes} bytes"
                )
            ctype = resp.headers.get("content-type", "").split(";")[0].strip()[:255] or None
            name = os.path.basename(urlsplit(url).path) or "file"
            return _store(
                ctx,
                scope=scope,
                stream=_Body(resp.iter_bytes()),  # type: ignore[arg-type]
                filename=name,
                content_type=ctype,
                source_url=url,
                fields=fields,
            )
    except httpx.HTTPError as exc:
        raise Invalid(f"file_url: could not fetch it ({type(exc).__name__}: {exc})") from None


def open_file(
    ctx: Context, *, scope: Scope, file_id: str
) -> tuple[dict[str, Any], Iterator[bytes]]:
    with ctx.db.read() as conn:
        row = repo.get_file(conn, scope=scope, file_id=file_id) if is_id(file_id) else None
    if row is None:
        raise NotFound("file not found")
    return dict(row._mapping), ctx.media.iter_bytes(row.storage_key)
