"""Hostile documents: each is refused in one line naming the file and place, before any call.

The command runs as a subprocess against an address where nothing listens: a document that
got past reading would make it try to connect, and fail these tests with another message.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from configcat_publicapi import workflows as wf
from configcat_publicapi.workflows import reading
from configcat_publicapi.workflows.reading import MAX_ALIASED_VALUES, MAX_DEPTH, SourceError

PRODUCT = "00000000-0000-0000-0000-000000000000"


def _bomb() -> str:
    """The classic: ten flags whose hints alias the one before ten times (10^10 values)."""
    lines = ["format: configcat-product", "version: 1", "product: {name: Shop}", "configs:"]
    lines += ["- name: Main", "  evaluationVersion: v2", "  settings:"]
    lines += ["  - {key: f0, name: F0, settingType: boolean, hint: &a0 [x,x,x,x,x,x,x,x,x,x]}"]
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"  - {{key: f{i}, name: F{i}, settingType: boolean, hint: &a{i} [{refs}]}}")
    return "\n".join(lines) + "\n"


def _deep_mappings(depth: int) -> str:
    text = "format: configcat-product\nconfigs:\n"
    for i in range(depth):
        text += " " * (i + 1) + f"k{i}:\n"
    return text + " " * (depth + 1) + "x\n"


CASES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "alias bomb": (
        "bomb.yaml",
        lambda: _bomb().encode(),
        f":12:86: aliases repeat more than {MAX_ALIASED_VALUES:,} values",
    ),
    "100,000-deep flow list in JSON": (
        "deep.json",
        lambda: (
            b'{"format": "configcat-product", "configs": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        ),
        f":1:{44 + MAX_DEPTH - 1}: nested deeper than {MAX_DEPTH} levels",
    ),
    "100,000-deep flow list in YAML": (
        "deep.yaml",
        lambda: b"configs: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        ":1:",
    ),
    "5,000-deep mappings": (
        "deep.yaml",
        lambda: _deep_mappings(5_000).encode(),
        f":{MAX_DEPTH + 1}:{MAX_DEPTH}: nested deeper than {MAX_DEPTH} levels",
    ),
    "invalid UTF-8": (
        "bad.yaml",
        lambda: b"format: configcat-product\nproduct:\n  name: Sh\xffop\n",
        ":3:11: not UTF-8 text (byte 0xff)",
    ),
    "repeated key": (
        "twice.yaml",
        lambda: b"format: configcat-product\nversion: 1\nformat: configcat-product\n",
        ":3:1: key 'format' appears twice in one mapping",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_refused_in_one_line_naming_the_place(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, content, expected = CASES[case]
    path = tmp_path / name
    path.write_bytes(content())
    monkeypatch.setenv("CONFIGCAT_API_HOST", "http://127.0.0.1:9")
    monkeypatch.setenv("CONFIGCAT_API_USER", "demo")
    monkeypatch.setenv("CONFIGCAT_API_PASS", "demo")
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "configcat_publicapi.cli", "plan", str(path), PRODUCT],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"configcat-publicapi: {path}:"), done.stderr
    assert expected in done.stderr


@pytest.fixture(params=["libyaml", "pure"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both YAML readers: PyYAML built with libyaml, and PyYAML's own (no libyaml)."""
    monkeypatch.setattr(reading, "_LOADER", [reading._loader_class(pure=request.param == "pure")])
    return str(request.param)


def test_alias_bomb_refused_by_either_reader(loader: str) -> None:
    with pytest.raises(SourceError, match="aliases repeat more than") as caught:
        wf.loads(_bomb(), source="bomb.yaml")
    assert (caught.value.source, caught.value.line) == ("bomb.yaml", 12)


def test_aliases_within_the_budget_are_read(loader: str) -> None:
    text = "a: &a [" + ",".join(["x"] * 999) + "]\nb: [" + ",".join(["*a"] * 100) + "]\n"
    assert len(wf.loads(text)["b"]) == 100
    with pytest.raises(SourceError, match="aliases repeat more than"):
        wf.loads(text.replace("x]", "x,x]"))  # 1,001 values, 100 times: one past the budget


def test_alias_inside_its_own_anchor(loader: str) -> None:
    with pytest.raises(SourceError, match=r"alias \*a is inside its own anchor"):
        wf.loads("a: &a [1, *a]\n", source="loop.yaml")


def test_depth_limit_is_exact(loader: str) -> None:
    inner = MAX_DEPTH - 1  # inside the top mapping
    fits, deeper = ("[" * n + "]" * n for n in (inner, inner + 1))
    assert wf.loads("k: " + fits, fmt="yaml") is not None
    assert wf.loads('{"k": ' + fits + "}") is not None
    with pytest.raises(SourceError, match="nested deeper"):
        wf.loads("k: " + deeper, fmt="yaml")
    with pytest.raises(SourceError, match="nested deeper"):
        wf.loads('{"k": ' + deeper + "}")
    with pytest.raises(SourceError, match="nested deeper"):
        wf.loads(_deep_mappings(MAX_DEPTH))


def test_merge_keys_may_be_overridden_but_keys_not_repeated(loader: str) -> None:
    text = "base: &b {color: red, name: x}\nenv: {<<: *b, name: Production}\n"
    assert wf.loads(text)["env"] == {"color": "red", "name": "Production"}
    with pytest.raises(SourceError, match="key 'name' appears twice") as caught:
        wf.loads("env:\n  name: a\n  name: b\n", source="d.yaml")
    assert (caught.value.line, caught.value.column) == (3, 3)


def test_json_repeated_key_and_syntax() -> None:
    with pytest.raises(SourceError, match="key 'name' appears twice in one object"):
        wf.loads('{"name": "a", "name": "b"}', source="d.json")
    with pytest.raises(SourceError, match="not JSON") as caught:
        wf.loads('{\n  "name": }', source="d.json")
    assert str(caught.value).startswith("d.json:2:11: not JSON")
    with pytest.raises(SourceError, match="NaN is not a number"):
        wf.loads('{"value": NaN}')


def test_yaml_syntax_error_is_one_line(loader: str) -> None:
    with pytest.raises(SourceError) as caught:
        wf.loads("a: [1, 2\n", source="s.yaml")
    assert str(caught.value).startswith("s.yaml:2:1: not YAML: ")
    assert "\n" not in str(caught.value)
    for text in ("a: b\nc: dé\x00\n", "a: b\nc: dé\x00\n".encode()):
        with pytest.raises(SourceError, match="U\\+0000 is not allowed") as control:
            reading.parse_yaml(text, "s.yaml")
        assert (control.value.line, control.value.column) == (2, 6)
