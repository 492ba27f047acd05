"""make spec: the lock accepts the pinned document and refuses any other.

Downloads are tested against a loopback server that serves the lock's YAML sources under
their own paths; the exact files come from ../shared/spec (or, where that is absent, from
the sources themselves).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import urllib.parse
from pathlib import Path

import pytest
from loopback_http import LoopbackFiles

from spec.lockfile import (
    DEFAULT_LOCK,
    OLDER_LOCK,
    Lock,
    Source,
    SpecError,
    download,
    fetch,
    main,
    operation_keys,
    yaml_to_json,
)

PINNED_SHA = "4a7150ae81cd706d0a8884d7a654c896f53fb271e2cce947d1539bd535412778"
OLDER_SHA = "f60017b6236de42a127a9378400c2b4a5b55350d0b28ec16e0a7802f118cf3d6"
RAW = "https://raw.githubusercontent.com/configcat/{repo}/{commit}/api/openapi.yaml"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "spec"
#: the lock files' sources, as the vendor's repositories hold them (checked byte for byte)
KNOWN_SOURCES = {
    DEFAULT_LOCK: Source(
        RAW.format(
            repo="configcat-publicapi-java-client",
            commit="c25443768b42fca95554955f9d9d37e93803d324",
        ),
        "yaml",
        "9f785e3f233d46c8b3d491652b24d1a6bd33244430d24820f728bf196deb15b8",
    ),
    OLDER_LOCK: Source(
        RAW.format(
            repo="configcat-publicapi-go-client",
            commit="f19ba451e39d9db732fbdcc26a7168485049d516",
        ),
        "yaml",
        "df6f3286a9f61bef8b2d73f950110ab846cabfa553538c50f6185cd95739fc45",
    ),
}
SHARED_NAMES = {DEFAULT_LOCK: "configcat-publicapi", OLDER_LOCK: "configcat-publicapi-2024-10"}


def source_yaml(lock_path: Path) -> bytes:
    """The exact YAML a lock's source holds: ../shared/spec's copy, else the source itself."""
    local = SHARED / f"{SHARED_NAMES[lock_path]}.yaml"
    if local.is_file():
        return local.read_bytes()
    return download(Lock.read(lock_path).sources[0].url)


def _served_lock(tmp_path: Path, lock_path: Path, base: str) -> Path:
    """A copy of ``lock_path`` whose sources point at ``base`` under their own paths."""
    lock = Lock.read(lock_path)
    moved = tuple(
        Source(base + urllib.parse.urlsplit(s.url).path, s.format, s.sha256) for s in lock.sources
    )
    out = tmp_path / lock_path.name
    Lock(lock.sha256, lock.date, lock.operations, moved, lock.live_url).write(out)
    return out


@pytest.fixture
def lock(tmp_path: Path) -> Path:
    path = tmp_path / "spec.lock.json"
    shutil.copy(DEFAULT_LOCK, path)
    return path


def test_lock_pins_the_documented_sha_and_operations(pinned_bytes: bytes) -> None:
    lock = Lock.read(DEFAULT_LOCK)
    assert lock.sha256 == PINNED_SHA == hashlib.sha256(pinned_bytes).hexdigest()
    assert lock.live_url == "https://api.configcat.com/docs/v1/swagger.json"
    assert lock.sources == (KNOWN_SOURCES[DEFAULT_LOCK],)
    assert len(lock.operations) == 123
    assert lock.operations == operation_keys(pinned_bytes)


def test_older_lock_pins_the_2024_10_document(older_path: Path) -> None:
    lock = Lock.read(OLDER_LOCK)
    body = older_path.read_bytes()
    assert lock.sha256 == OLDER_SHA == hashlib.sha256(body).hexdigest()
    assert lock.sources == (KNOWN_SOURCES[OLDER_LOCK],)
    assert lock.operations == operation_keys(body) and len(lock.operations) == 91


@pytest.mark.parametrize("lock_path", [DEFAULT_LOCK, OLDER_LOCK], ids=["pinned", "2024-10"])
def test_sources_yaml_becomes_the_locked_json_byte_for_byte(lock_path: Path) -> None:
    raw = source_yaml(lock_path)
    lock = Lock.read(lock_path)
    assert hashlib.sha256(raw).hexdigest() == lock.sources[0].sha256
    assert hashlib.sha256(yaml_to_json(raw)).hexdigest() == lock.sha256


@pytest.mark.slow
@pytest.mark.parametrize("lock_path", [DEFAULT_LOCK, OLDER_LOCK], ids=["pinned", "2024-10"])
def test_no_file_downloads_from_the_lock_sources_and_verifies(
    tmp_path: Path, lock_path: Path, loopback_files: LoopbackFiles
) -> None:
    base, files = loopback_files.url, loopback_files
    lock = _served_lock(tmp_path, lock_path, base)
    url = Lock.read(lock).sources[0].url
    files.files[urllib.parse.urlsplit(url).path] = source_yaml(lock_path)
    out = tmp_path / "out.json"
    message = fetch(str(tmp_path / "absent.json"), lock, out)
    assert f"spec: {url} verified" in message
    assert hashlib.sha256(out.read_bytes()).hexdigest() == Lock.read(lock_path).sha256
    assert files.hits == [urllib.parse.urlsplit(url).path]
    # an empty SPEC_SOURCE (the GitHub workflows) goes to the sources as well
    assert "verified" in fetch("", lock, tmp_path / "again.json")


def test_a_tampered_download_is_refused(
    tmp_path: Path, lock: Path, loopback_files: LoopbackFiles
) -> None:
    base, files = loopback_files.url, loopback_files
    served = _served_lock(tmp_path, DEFAULT_LOCK, base)
    url = Lock.read(served).sources[0].url
    tampered = source_yaml(DEFAULT_LOCK).replace(b"/v1/me:", b"/v1/me-too:", 1)
    files.files[urllib.parse.urlsplit(url).path] = tampered
    out = tmp_path / "out.json"
    with pytest.raises(SpecError) as err:
        fetch("", served, out)
    text = str(err.value)
    assert f"{url} does not hold the file the lock names" in text
    assert hashlib.sha256(tampered).hexdigest() in text
    assert "+ GET /v1/me-too" in text and "- GET /v1/me" in text
    assert not out.exists()
    assert Lock.read(served).sha256 == PINNED_SHA


def test_a_yaml_file_source_is_converted_and_verified(tmp_path: Path, lock: Path) -> None:
    source = tmp_path / "openapi.yaml"
    source.write_bytes(source_yaml(DEFAULT_LOCK))
    out = tmp_path / "swagger.json"
    assert "verified" in fetch(str(source), lock, out)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == PINNED_SHA


def test_update_from_a_url_records_it_as_the_source(
    tmp_path: Path, lock: Path, loopback_files: LoopbackFiles
) -> None:
    base, files = loopback_files.url, loopback_files
    body = b"openapi: 3.0.4\npaths:\n  /v9/x:\n    post: {}\n"
    files.files["/next.yaml"] = body
    fetch(base + "/next.yaml", lock, tmp_path / "out.json", update=True, today="2026-12-01")
    new = Lock.read(lock)
    assert new.sources == (Source(base + "/next.yaml", "yaml", hashlib.sha256(body).hexdigest()),)
    assert new.operations == ("POST /v9/x",)
    assert new.live_url == Lock.read(DEFAULT_LOCK).live_url


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
    url = "http://127.0.0.1:9/openapi.yaml"  # discard port: refused at once
    data["sources"] = [{"url": url, "format": "yaml", "sha256": PINNED_SHA}]
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
    assert "downloading http://127.0.0.1:9/openapi.yaml failed" in err


def test_non_json_document_is_refused(tmp_path: Path, lock: Path) -> None:
    source = tmp_path / "page.html"
    source.write_text("<html>maintenance</html>")
    with pytest.raises(SpecError, match="not a JSON OpenAPI document"):
        fetch(str(source), lock, tmp_path / "out.json")
