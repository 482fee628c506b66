"""The media store: one small interface over fsspec (a local folder by default).

Any fsspec URL works (``s3://bucket/prefix`` with ``pip install assay[s3]``, ``memory://`` in
tests). Keys are relative paths chosen by Assay, never by callers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from fsspec.core import url_to_fs
from fsspec.implementations.local import LocalFileSystem


class MediaStore:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        fs, root = url_to_fs(self.url)
        self._fs: Any = fs
        self._root: str = root.rstrip("/")
        if isinstance(fs, LocalFileSystem):
            fs.makedirs(self._root, exist_ok=True)

    def _path(self, key: str) -> str:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"bad media key {key!r}")
        return f"{self._root}/{key}"

    def put(self, key: str, stream: BinaryIO, *, chunk: int = 1 << 20) -> None:
        path = self._path(key)
        parent = path.rsplit("/", 1)[0]
        self._fs.makedirs(parent, exist_ok=True)
        with self._fs.open(path, "wb") as out:
            while data := stream.read(chunk):
                out.write(data)

    def open(self, key: str) -> BinaryIO:
        f: BinaryIO = self._fs.open(self._path(key), "rb")
        return f

    # 1 MiB chunks: each one is a hop through the thread pool when streamed, and a 12 MP photo
    # took ~230 ms to serve in 64 KiB chunks.
    def iter_bytes(self, key: str, *, chunk: int = 1 << 20) -> Iterator[bytes]:
        with self.open(key) as f:
            while data := f.read(chunk):
                yield data

    def exists(self, key: str) -> bool:
        return bool(self._fs.exists(self._path(key)))

    def delete(self, key: str) -> None:
        self._fs.rm(self._path(key))
