"""Shared fixtures: paths to the fixture documents and the shared contract."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SPEC = ROOT / "spec" / "openapi.yaml"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def spec_path() -> Path:
    return SPEC
