"""Fixtures shared by the CLI-driven integration tests."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from tests.conftest import POLICY_DIR


@pytest.fixture
def runner(tmp_path, monkeypatch):
    """The CLI with its own data directory, on the default policies and database."""
    monkeypatch.setenv("GOVSHARE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GOVSHARE_POLICY_DIR", raising=False)
    monkeypatch.delenv("GOVSHARE_DATABASE_URL", raising=False)
    return CliRunner()


@pytest.fixture
def draft(tmp_path):
    """A copy of the shipped policies to edit as a draft."""
    path = tmp_path / "draft"
    shutil.copytree(POLICY_DIR, path)
    return path
