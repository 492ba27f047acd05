"""make spec: the lock accepts the pinned document and refuses any other."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from spec.lockfile import DEFAULT_LOCK, Lock, SpecError, fetch, main, operation_keys

PINNED_SHA = "4a7150ae81cd706d0a8884d7a654c896f53fb271e2cce947d1539bd535412778"


@pytest.fixture
def lock(tmp_path: Path) -> Path:
    path = tmp_path / "spec.lock.json"
    shutil.copy(DEFAULT_LOCK, path)
    return path


def test_lock_pins_the_documented_sha_and_operations(pinned_bytes: bytes) -> None:
    lock = Lock.read(DEFAULT_LOCK)
    assert lock.sha256 == PINNED_SHA == hashlib.sha256(pinned_bytes).hexdigest()
    assert lock.source_url == "https://api.configcat.com/docs/v1/swagger.json"
    assert len(lock.operations) == 123
    assert lock.operations == operation_keys(pinned_bytes)


def test_pinned_document_is_copied_and_verified(tmp_path: Path, lock: Path) -> None:
    source = tmp_path / "upstream.json"
    shutil.copy(Path(__file__).resolve().parents[2] / "spec" / "swagger.json", source)
    out = tmp_path / "swagger.json"
    message = fetch(str(source), lock, out)
    assert "verified" in message and "123 operations" in message
    assert out.read_bytes() == source.read_bytes()


def test_tampered_document_is_refused_with_summary(
    tmp_path: Path, lock: Path, pinned_doc: dict[str, object]
) -> None:
    doc = json.loads(json.dumps(pinned_doc))
    del doc["paths"]["/v1/me"]  # type: ignore[index]
    doc["paths"]["/v1/extra"] = {"get": {"responses": {"200": {"description": "ok"}}}}  # type: ignore[index]
    source = tmp_path / "tampered.json"
    source.write_text(json.dumps(doc))
    out = tmp_path / "swagger.json"
    with pytest.raises(SpecError) as err:
        fetch(str(source), lock, out)
    text = str(err.value)
    assert "is not the pinned one" in text
    assert "+ GET /v1/extra" in text
    assert "- GET /v1/me" in text
    assert "make spec-update SPEC_SOURCE=" in text
    assert not out.exists(), "a refused document must not be written"
    assert Lock.read(lock).sha256 == PINNED_SHA, "a refused document must not touch the lock"


def test_whitespace_only_change_is_refused_too(tmp_path: Path, lock: Path) -> None:
    source = tmp_path / "reformatted.json"
    source.write_bytes(
        (Path(__file__).resolve().parents[2] / "spec" / "swagger.json").read_bytes() + b"\n"
    )
    with pytest.raises(SpecError, match="same operations"):
        fetch(str(source), lock, tmp_path / "out.json")


def test_update_accepts_new_document_and_rewrites_lock(tmp_path: Path, lock: Path) -> None:
    source = tmp_path / "next.json"
    source.write_text(json.dumps({"openapi": "3.0.4", "paths": {"/v9/x": {"post": {}}}}))
    message = fetch(str(source), lock, tmp_path / "out.json", update=True, today="2026-12-01")
    assert "accepted and locked" in message
    new = Lock.read(lock)
    assert new.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert new.operations == ("POST /v9/x",)
    assert new.date == "2026-12-01"
    fetch(str(source), lock, tmp_path / "out.json")  # now verified without --update


def test_no_file_and_no_network_says_so(
    tmp_path: Path, lock: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(lock.read_text())
    data["source_url"] = "http://127.0.0.1:9/swagger.json"  # discard port: refused at once
    lock.write_text(json.dumps(data))
    code = main(
        [
            "--source",
            str(tmp_path / "absent.json"),
            "--lock",
            str(lock),
            "--output",
            str(tmp_path / "o"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "absent.json does not exist" in err
    assert "downloading http://127.0.0.1:9/swagger.json failed" in err


def test_non_json_document_is_refused(tmp_path: Path, lock: Path) -> None:
    source = tmp_path / "page.html"
    source.write_text("<html>maintenance</html>")
    with pytest.raises(SpecError, match="not a JSON OpenAPI document"):
        fetch(str(source), lock, tmp_path / "out.json")
