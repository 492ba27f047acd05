"""Where the mock's document comes from: overrides, the checkout, the copy a wheel carries."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from configcat_mock.api import spec_source
from configcat_mock.api.spec import Spec
from configcat_mock.api.spec_source import SpecNotFoundError, find_spec, read_document

REPO = Path(__file__).resolve().parents[2]
PINNED = REPO / "spec" / "swagger.json"
PINNED_SHA = json.loads((REPO / "spec" / "spec.lock.json").read_text())["sha256"]


@pytest.fixture
def outside_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """As installed from a wheel: no repository around the package; returns its _spec dir."""
    monkeypatch.setattr(spec_source, "_REPO_ROOT", tmp_path / "site-packages")
    packaged = tmp_path / "site-packages" / "configcat_mock" / "_spec"
    monkeypatch.setattr(spec_source, "PACKAGED_DIR", packaged)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(spec_source.SPEC_ENV, raising=False)
    return packaged


def test_packaged_copy_serves_the_same_api_as_the_pinned_document(
    outside_checkout: Path,
) -> None:
    spec_source.write_packaged(PINNED.read_bytes(), PINNED_SHA, "2026-08", outside_checkout)
    path = find_spec()
    assert path == outside_checkout / spec_source.PACKAGED_NAME
    assert read_document(path) == json.loads(PINNED.read_bytes())
    spec = Spec.load()
    assert len(spec.operations) == 123
    assert spec.source.startswith("the packaged spec (pinned 2026-08, sha256 4a7150ae81cd")


def test_packaged_copy_is_reproducible_and_compact(tmp_path: Path) -> None:
    spec_source.write_packaged(PINNED.read_bytes(), PINNED_SHA, "2026-08", tmp_path / "a")
    spec_source.write_packaged(PINNED.read_bytes(), PINNED_SHA, "2026-08", tmp_path / "b")
    a = (tmp_path / "a" / spec_source.PACKAGED_NAME).read_bytes()
    assert a == (tmp_path / "b" / spec_source.PACKAGED_NAME).read_bytes()
    assert len(a) < PINNED.stat().st_size / 10
    assert spec_source.packaged_source_sha256(tmp_path / "a") == PINNED_SHA


def test_a_damaged_packaged_copy_is_refused(outside_checkout: Path) -> None:
    spec_source.write_packaged(PINNED.read_bytes(), PINNED_SHA, "2026-08", outside_checkout)
    target = outside_checkout / spec_source.PACKAGED_NAME
    body = gzip.decompress(target.read_bytes()).replace(b'"/v1/me"', b'"/v1/us"', 1)
    target.write_bytes(gzip.compress(body))
    with pytest.raises(SpecNotFoundError, match="is damaged"):
        Spec.load()


def test_an_override_wins_over_the_packaged_copy(
    outside_checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec_source.write_packaged(PINNED.read_bytes(), PINNED_SHA, "2026-08", outside_checkout)
    assert find_spec(PINNED) == PINNED
    monkeypatch.setenv(spec_source.SPEC_ENV, str(PINNED))
    assert find_spec() == PINNED


def test_nothing_found_names_where_it_looked_and_both_overrides(outside_checkout: Path) -> None:
    with pytest.raises(SpecNotFoundError) as err:
        find_spec()
    text = str(err.value)
    assert str(outside_checkout / spec_source.PACKAGED_NAME) in text
    assert "--spec FILE" in text and "CONFIGCAT_MOCK_SPEC" in text and "make spec" in text
