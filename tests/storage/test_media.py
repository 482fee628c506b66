"""The media store on a local folder and on fsspec's in-memory filesystem."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest

from assay.storage.media import MediaStore

DATA = bytes(range(256)) * 41  # 10,496 bytes, not a multiple of the chunk sizes below


@pytest.fixture(params=["local", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MediaStore]:
    if request.param == "local":
        yield MediaStore(str(tmp_path / "media"))
        return
    name = f"assay-test-{uuid.uuid4().hex}"
    yield MediaStore(f"memory://{name}")
    memory = fsspec.filesystem("memory")
    if memory.exists(f"/{name}"):
        memory.rm(f"/{name}", recursive=True)


def test_put_open_exists_delete(store: MediaStore) -> None:
    key = "org-1/files/abc.bin"
    assert not store.exists(key)
    store.put(key, io.BytesIO(DATA), chunk=1000)
    assert store.exists(key)
    with store.open(key) as f:
        assert f.read() == DATA
    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(FileNotFoundError):
        store.open(key)


def test_iter_bytes_streams_in_chunks(store: MediaStore) -> None:
    store.put("a.bin", io.BytesIO(DATA))
    chunks = list(store.iter_bytes("a.bin", chunk=4096))
    assert [len(c) for c in chunks] == [4096, 4096, 2304]
    assert b"".join(chunks) == DATA


def test_put_replaces_and_keeps_keys_apart(store: MediaStore) -> None:
    store.put("x/1", io.BytesIO(b"first"))
    store.put("x/2", io.BytesIO(b"second"))
    store.put("x/1", io.BytesIO(b"again"))
    assert b"".join(store.iter_bytes("x/1")) == b"again"
    assert b"".join(store.iter_bytes("x/2")) == b"second"
    store.put("empty", io.BytesIO(b""))
    assert store.exists("empty")
    assert list(store.iter_bytes("empty")) == []


@pytest.mark.parametrize(
    "key", ["", "../outside", "a/../../outside", "a/..", "..", "/etc/passwd", "/abs/key"]
)
def test_keys_that_leave_the_store_are_refused(store: MediaStore, key: str) -> None:
    for call in (
        lambda: store.put(key, io.BytesIO(b"x")),
        lambda: store.open(key),
        lambda: store.exists(key),
        lambda: store.delete(key),
        lambda: list(store.iter_bytes(key)),
    ):
        with pytest.raises(ValueError, match="bad media key"):
            call()


def test_dots_inside_names_are_fine(store: MediaStore) -> None:
    store.put("v1..2/file..name.txt", io.BytesIO(b"ok"))
    assert b"".join(store.iter_bytes("v1..2/file..name.txt")) == b"ok"


def test_local_store_writes_under_its_folder(tmp_path: Path) -> None:
    root = tmp_path / "deep" / "media"
    store = MediaStore(f"{root}/")  # the folder is created, a trailing slash is fine
    assert root.is_dir()
    store.put("a/b/c.txt", io.BytesIO(b"hello"))
    assert (root / "a" / "b" / "c.txt").read_bytes() == b"hello"
    assert not (tmp_path / "a").exists()
    store.delete("a/b/c.txt")
    assert not (root / "a" / "b" / "c.txt").exists()


def test_memory_stores_with_different_roots_are_separate() -> None:
    one = MediaStore(f"memory://assay-test-{uuid.uuid4().hex}")
    two = MediaStore(f"memory://assay-test-{uuid.uuid4().hex}")
    try:
        one.put("k", io.BytesIO(b"1"))
        assert one.exists("k")
        assert not two.exists("k")
    finally:
        one.delete("k")
