"""Settings: defaults derived from the data dir, and secrets refused outside dev mode."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.main import app
from assay.config import Settings
from assay.errors import ConfigError


def test_defaults_live_in_the_data_dir(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "d")
    assert s.db_url == f"sqlite:///{tmp_path / 'd' / 'assay.db'}"
    assert s.media == str(tmp_path / "d" / "media")
    assert s.is_sqlite
    assert s.base_url == "http://127.0.0.1:8080"
    assert Settings(data_dir=tmp_path, host="0.0.0.0", port=9000).base_url == (
        "http://0.0.0.0:9000"
    )
    assert Settings(data_dir=tmp_path, public_url="https://a.example/").base_url == (
        "https://a.example"
    )


def test_environment_variables_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSAY_ALLOW_PRIVATE_HOSTS", "127.0.0.1, 10.0.0.0/8 ,callbacks.internal")
    monkeypatch.setenv("ASSAY_LEASE_SECONDS", "30")
    s = Settings()
    assert s.data_dir == tmp_path
    assert s.allow_private_hosts == ["127.0.0.1", "10.0.0.0/8", "callbacks.internal"]
    assert s.lease_seconds == 30


@pytest.mark.parametrize("secret", ["changethis", "secret", "dev", ""])
def test_a_well_known_secret_is_refused_outside_dev(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ConfigError, match="well-known default"):
        Settings(data_dir=tmp_path, secret_key=secret).resolved_secret_key()
    assert Settings(data_dir=tmp_path, secret_key=secret, env="dev").resolved_secret_key() == (
        secret
    )


def test_a_secret_is_generated_once_for_the_embedded_database(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).resolved_secret_key()
    path = tmp_path / "secret_key"
    assert len(first) >= 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path).resolved_secret_key() == first


def test_a_shared_database_needs_an_explicit_secret(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path, database_url="postgresql://db.internal/assay")
    with pytest.raises(ConfigError, match="must be set"):
        s.resolved_secret_key()
    assert not (tmp_path / "secret_key").exists()
    explicit = Settings(data_dir=tmp_path, database_url="postgresql://db/a", secret_key="x" * 40)
    assert explicit.resolved_secret_key() == "x" * 40


def test_serve_refuses_to_start_with_a_default_secret(tmp_path: Path) -> None:
    env = {
        "ASSAY_DATA_DIR": str(tmp_path),
        "ASSAY_SECRET_KEY": "changethis",
        "ASSAY_ENV": "production",
    }
    result = CliRunner().invoke(app, ["serve", "--port", "1"], env=env)
    assert result.exit_code == 2
    assert "well-known default" in " ".join(result.output.split())
    assert not (tmp_path / "assay.db").exists()  # refused before migrating anything
