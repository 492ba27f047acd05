"""A config JSON imported into the fake evaluates as the original, for every user.

The originals are built to cover every comparator (v2 and v1 configs), segments, prerequisite
flags, percentage options, and a hand-written document with its own salt, hashed sensitive
values, variation ids and a segment of two conditions. Each original is served byte for byte
from a plain file server; the import is served by the fake; the official SDK evaluates the
same users against both and must give the same value and variation id every time.
"""

from __future__ import annotations

import itertools
import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from configcatclient import ConfigCatClient as SdkClient
from configcatclient import ConfigCatOptions, PollingMode
from configcatclient.user import User
from loopback_http import LoopbackFiles

from configcat_mock.cli import build_parser, main
from configcat_mock.delivery.hashing import sensitive_affix_hash, sensitive_hash
from configcat_mock.flags import ConfigVersion, Flag, FlagServer, flag, segment, user, when
from configcat_mock.state import comparators as cmp
from configcat_mock.testkit.config_import import ConfigImportError
from configcat_mock.testkit.mock import MockConfigCat

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / ".tool-cache" / "node"
NODE_PACKAGE = "configcat-node@11"
NODE_SCRIPT = Path(__file__).with_name("node") / "evaluate.js"
KEY_ORIGINAL = "configcat-sdk-1/OriginalOriginalOrigin/OriginalOriginalOrigin"
KEY_IMPORT = "configcat-sdk-1/ProductionKeyProductio/ProductionKeyProductio"


def comparison(name: str) -> tuple[str, Any]:
    """An attribute and comparison value fitting comparator ``name``."""
    kind = cmp.value_kind(cmp.USER_COMPARATOR_NUMBER[name])
    if name.startswith("semVer"):
        return "Version", ["1.2.3", "2.0.0"] if kind == "l" else "1.5.0"
    if name.startswith("number"):
        return "Age", 30.0
    if name.startswith("dateTime"):
        return "SignedUp", 1_700_000_000.0
    if "array" in name.lower():
        return "Roles", ["admin", "beta"]
    if kind == "l":
        if "Starts" in name:
            return "Email", ["a@", "b@"]
        if "Ends" in name:
            return "Email", ["@example.com"]
        if "contain" in name.lower():
            return "Email", ["example"]
        return "Email", ["a@example.com", "b@example.org"]
    return "Email", "a@example.com"


UserData = dict[str, Any] | None


def users() -> list[UserData]:
    """The users every flag is evaluated for (``None``: no user), as plain data for both SDKs."""
    emails = ["a@example.com", "b@example.org", "x@other.com", None]
    versions = ["1.2.3", "1.0.0", "3.0.0"]
    ages = [20, 30, 40]
    signed = [1_600_000_000, 1_800_000_000]
    roles: list[list[str]] = [["admin"], ["user"], []]
    out: list[UserData] = [None]
    combos = itertools.product(emails, versions, ages, signed, roles, ["HU", "US"])
    for i, (email, version, age, when_, role, country) in enumerate(combos):
        if i % 3:  # a third of the combinations, every value still present
            continue
        custom = {"Version": version, "Age": age, "SignedUp": when_, "Roles": role}
        out.append(
            {"identifier": f"user-{i}", "email": email, "country": country, "custom": custom}
        )
    return out


def python_user(data: UserData) -> User | None:
    if data is None:
        return None
    return User(data["identifier"], data["email"], data["country"], data["custom"])


def v2_flags() -> dict[str, Any]:
    flags: dict[str, Any] = {
        "isBeta": Flag(False, rules=[when(segment("Beta").is_in()).then(True)]),
        "notBeta": Flag("no", rules=[when(segment("Beta").is_not_in()).then("yes")]),
        "discount": Flag(
            0,
            rules=[
                when(flag("isBeta").equals(True), user("Country").is_one_of("HU")).then(30),
                when(flag("isBeta").does_not_equal(True)).split([(25, 5), (75, 15)]),
            ],
            percentages=[(50, 1), (50, 2)],
        ),
        "ratio": Flag(0.5, percentages=[(20, 0.1), (80, 0.9)], percentage_attribute="Email"),
    }
    for name in cmp.USER_COMPARATORS:
        attribute, value = comparison(name)
        rule = when(user(attribute).compare(name, value)).then(name)
        flags[f"c_{name}"] = Flag("none", rules=[rule])
    return flags


def v1_flags() -> dict[str, Any]:
    flags: dict[str, Any] = {
        "isBeta": Flag(False, rules=[when(segment("Beta").is_in()).then(True)]),
        "split": Flag("a", percentages=[(10, "a"), (60, "b"), (30, "c")]),
    }
    v1_numbers = set(cmp.ROLLOUT_RULE_COMPARATOR_NUMBER.values())
    for name in cmp.USER_COMPARATORS:
        if cmp.USER_COMPARATOR_NUMBER[name] not in v1_numbers:
            continue
        attribute, value = comparison(name)
        rule = when(user(attribute).compare(name, value)).then(name)
        flags[f"c_{name}"] = Flag("none", rules=[rule])
    return flags


def hand_written() -> dict[str, Any]:
    """A document the fake would never build: its own salt and variation ids, hashed values."""
    salt = "production-salt-1"

    def served(value: Any, vid: str) -> dict[str, Any]:
        return {"v": {"s": value}, "i": vid}

    return {
        "p": {"u": "https://cdn-global.configcat.com", "r": 0, "s": salt},
        "s": [
            {
                "n": "Staff",
                "r": [
                    {
                        "a": "Email",
                        "c": 24,
                        "l": [sensitive_affix_hash("@example.org", salt, "Staff")],
                    },
                    {"a": "Country", "c": 0, "l": ["HU"]},
                ],
            }
        ],
        "f": {
            "secret": {
                "t": 1,
                "r": [
                    {
                        "c": [
                            {
                                "u": {
                                    "a": "Email",
                                    "c": 16,
                                    "l": [sensitive_hash("a@example.com", salt, "secret")],
                                }
                            }
                        ],
                        "s": served("vip", "v1p00001"),
                    },
                    {"c": [{"s": {"s": 0, "c": 0}}], "s": served("staff", "5taff002")},
                ],
                "p": [
                    {"p": 40, **served("left", "1eft0003")},
                    {"p": 60, **served("right", "r1ght004")},
                ],
                **served("nobody", "n0b0dy05"),
            },
            "plain": {"t": 0, "v": {"b": True}, "i": "p1a1n006"},
        },
    }


@dataclass(frozen=True)
class NodeSdk:
    node: str
    modules: Path


@pytest.fixture(scope="session")
def node_sdk() -> NodeSdk:
    """The official Node SDK, installed by npm under the git-ignored .tool-cache/ on first use
    (``make node-sdk`` does the same)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are needed for the Node SDK proof")
    if not (NODE_MODULES / "node_modules" / "configcat-node").is_dir():
        NODE_MODULES.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - npm found on PATH, a fixed package
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(NODE_MODULES),
                NODE_PACKAGE,
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return NodeSdk(node, NODE_MODULES)


@pytest.fixture(scope="module")
def source() -> Iterator[FlagServer]:
    with FlagServer() as server:
        yield server


@pytest.fixture
def target() -> Iterator[FlagServer]:
    with FlagServer(MockConfigCat(rate_limits=False, validate_responses=True)) as server:
        yield server
        assert not server.mock.app.internal_errors
        assert not server.mock.app.response_violations
        server.mock.close()


def download(base_url: str, sdk_key: str) -> bytes:
    response = httpx.get(f"{base_url}/configuration-files/{sdk_key}/config_v6.json")
    assert response.status_code == 200, response.text
    return response.content


Evaluations = dict[tuple[int, str], tuple[Any, str | None]]


def evaluate(base_url: str, sdk_key: str, keys: list[str]) -> Evaluations:
    options = ConfigCatOptions(base_url=base_url, polling_mode=PollingMode.manual_poll())
    client = SdkClient.get(sdk_key, options)
    try:
        client.force_refresh()
        out: Evaluations = {}
        for i, who in enumerate(users()):
            for key in keys:
                details = client.get_value_details(key, None, python_user(who))
                assert details.error is None, (key, details.error)
                out[(i, key)] = (details.value, details.variation_id)
        return out
    finally:
        client.close()


def evaluate_node(node: NodeSdk, base_url: str, sdk_key: str, keys: list[str]) -> Evaluations:
    request = {
        "modules": str(node.modules),
        "baseUrl": base_url,
        "sdkKey": sdk_key,
        "keys": keys,
        "users": users(),
    }
    done = subprocess.run(  # noqa: S603 - node found on PATH, our own script
        [node.node, str(NODE_SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = iter(json.loads(done.stdout))
    return {(i, key): tuple(next(results)) for i in range(len(users())) for key in keys}


def check_same(
    files: LoopbackFiles, original: bytes, target: FlagServer, node: NodeSdk
) -> Evaluations:
    """The same users, the same value and variation id, from the original and the import,
    in the Python SDK and the Node SDK."""
    files.files[f"/configuration-files/{KEY_ORIGINAL}/config_v6.json"] = original
    done = target.mock.import_config_json(original, sdk_key=KEY_IMPORT)
    assert done.sdk_key == KEY_IMPORT
    keys = list(json.loads(original)["f"])
    want = evaluate(files.url, KEY_ORIGINAL, keys)
    got = evaluate(target.base_url, KEY_IMPORT, keys)
    assert got == want
    node_want = evaluate_node(node, files.url, KEY_ORIGINAL, keys)
    node_got = evaluate_node(node, target.base_url, KEY_IMPORT, keys)
    assert node_got == node_want
    assert node_want == want  # and both SDKs agree
    return want


@pytest.mark.parametrize(("version", "make"), [("v2", v2_flags), ("v1", v1_flags)])
def test_an_import_evaluates_as_the_original(
    version: ConfigVersion,
    make: Callable[[], dict[str, Any]],
    source: FlagServer,
    target: FlagServer,
    loopback_files: LoopbackFiles,
    node_sdk: NodeSdk,
) -> None:
    flags = source.flags(
        make(),
        version=version,
        segments={"Beta": user("Email").contains_any_of("example")},
    )
    original = download(source.base_url, flags.sdk_key)
    seen = check_same(loopback_files, original, target, node_sdk)
    # the users tell the rules apart: every comparator's rule matches someone, not everyone
    for key in json.loads(original)["f"]:
        values = {v for (_, k), (v, _) in seen.items() if k == key}
        assert len(values) > 1, (key, values)


def test_own_salt_hashes_and_variation_ids_are_kept(
    target: FlagServer, loopback_files: LoopbackFiles, node_sdk: NodeSdk
) -> None:
    original = json.dumps(hand_written()).encode()
    seen = check_same(loopback_files, original, target, node_sdk)
    ids = {vid for (_, key), (_, vid) in seen.items() if key == "secret"}
    # every served value's own id, "nobody" for the user-less evaluation (no options then)
    assert ids == {"v1p00001", "5taff002", "1eft0003", "r1ght004", "n0b0dy05"}


def test_the_import_is_a_config_of_the_management_api(target: FlagServer) -> None:
    done = target.mock.import_config_json(hand_written(), sdk_key=KEY_IMPORT, name="prod")
    api = httpx.Client(base_url="http://m", transport=target.mock.transport, auth=("demo", "demo"))
    config = api.get(f"/v1/configs/{done.config_id}").json()
    assert config["name"] == "prod"
    assert "hashed comparison values" in config["description"]
    formulas = api.get(
        f"/v2/configs/{done.config_id}/environments/{done.environment_id}/values"
    ).json()["settingFormulas"]
    secret = next(f for f in formulas if f["setting"]["key"] == "secret")
    assert "hashed comparison values" in secret["setting"]["hint"]
    cond = secret["targetingRules"][0]["conditions"][0]["userCondition"]
    assert cond["comparator"] == "sensitiveIsOneOf"
    assert cond["comparisonValue"]["listValue"][0]["value"] == sensitive_hash(
        "a@example.com", "production-salt-1", "secret"
    )
    [staff] = api.get(f"/v1/products/{done.product_id}/segments").json()
    staff = api.get(f"/v1/segments/{staff['segmentId']}").json()
    assert "2 conditions" in staff["description"]
    keys = api.get(f"/v1/configs/{done.config_id}/environments/{done.environment_id}").json()
    assert keys["primary"] == KEY_IMPORT


def test_a_value_changed_through_the_api_is_served_from_then_on(
    target: FlagServer, loopback_files: LoopbackFiles
) -> None:
    done = target.mock.import_config_json(hand_written(), sdk_key=KEY_IMPORT)
    api = httpx.Client(base_url="http://m", transport=target.mock.transport, auth=("demo", "demo"))
    plain = next(
        s for s in api.get(f"/v1/configs/{done.config_id}/settings").json() if s["key"] == "plain"
    )
    before = json.loads(download(target.base_url, KEY_IMPORT))
    assert before["f"]["plain"]["i"] == "p1a1n006"
    r = api.put(
        f"/v2/environments/{done.environment_id}/settings/{plain['settingId']}/value",
        json={"defaultValue": {"boolValue": False}, "targetingRules": []},
    )
    assert r.status_code == 200, r.text
    after = json.loads(download(target.base_url, KEY_IMPORT))
    assert after["f"]["plain"]["v"] == {"b": False}
    assert after["f"]["secret"] == before["f"]["secret"]  # the others stay as imported
    assert after["s"] == before["s"]


def test_a_flag_override_file_imports(target: FlagServer, tmp_path: Any) -> None:
    path = tmp_path / "flags.json"
    path.write_text(json.dumps({"flags": {"on": True, "name": "x", "n": 3, "r": 0.5}}))
    done = target.mock.import_config_json(path)
    served = json.loads(download(target.base_url, done.sdk_key))
    assert {k: v["v"] for k, v in served["f"].items()} == {
        "on": {"b": True},
        "name": {"s": "x"},
        "n": {"i": 3},
        "r": {"d": 0.5},
    }


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("[]", "is an object"),
        ('{"flags": {"x": null}}', "a value is"),
        ('{"f": {"x": {"t": 9, "v": {"b": true}}}}', "unknown setting type"),
        ('{"f": {"x": {"t": 0, "v": {"b": true}, "r": [{"c": [{"s": {"s": 3}}]}]}}}', "import"),
        ("not json", "not JSON"),
    ],
)
def test_bad_documents_are_refused_and_leave_nothing(
    target: FlagServer, document: str, message: str
) -> None:
    products = len(target.mock.backend.products)
    with pytest.raises(ConfigImportError, match=message):
        target.mock.import_config_json(document.encode())
    assert len(target.mock.backend.products) == products


def test_a_key_in_use_is_refused(target: FlagServer) -> None:
    target.mock.import_config_json({"flags": {"a": True}}, sdk_key=KEY_IMPORT)
    with pytest.raises(ConfigImportError, match="already in use"):
        target.mock.import_config_json({"flags": {"a": True}}, sdk_key=KEY_IMPORT)


def test_serve_config_json_serves_each_file_under_its_key(tmp_path: Path) -> None:
    """``configcat-mock serve --config-json FILE --sdk-key KEY`` (several), as another
    language's test suite would start it; ``/_mock/reset`` keeps the imports."""
    first, second = tmp_path / "prod.json", tmp_path / "flags.json"
    first.write_text(json.dumps(hand_written()))
    second.write_text(json.dumps({"flags": {"on": True}}))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    args = ["--config-json", str(first), "--sdk-key", KEY_IMPORT, "--config-json", str(second)]
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "configcat_mock", "serve", "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/_mock/health").status_code == 200:
                    break
            except httpx.TransportError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert json.loads(download(base, KEY_IMPORT)) == {
            **hand_written(),
            "p": {**hand_written()["p"], "u": base},
        }
        assert httpx.post(f"{base}/_mock/reset").status_code == 204
        assert json.loads(download(base, KEY_IMPORT))["f"]["plain"]["i"] == "p1a1n006"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    # the key of the file without --sdk-key is a new one, printed at start
    assert f"{first} served under SDK key {KEY_IMPORT}" in err
    assert f"{second} served under SDK key configcat-sdk-1/" in err


def test_sdk_key_goes_after_its_config_json(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--sdk-key", KEY_IMPORT])
    assert "--sdk-key goes after the --config-json" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_parser().parse_args(
            ["serve", "--config-json", "a", "--sdk-key", "k", "--sdk-key", "j"]
        )
    args = build_parser().parse_args(
        ["serve", "--config-json", "a", "--config-json", "b", "--sdk-key", "k"]
    )
    assert args.config_json == ["a", "b"]
    assert args.sdk_keys == {1: "k"}


def test_serve_refuses_a_file_it_cannot_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    assert main(["serve", "--port", "1", "--config-json", str(bad)]) == 2


def test_the_fixture_removes_each_import_after_its_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import httpx

        KEY = {KEY_IMPORT!r}

        def test_one(configcat_config_json):
            served = configcat_config_json({{"flags": {{"on": True}}}}, sdk_key=KEY)
            url = f"{{served.base_url}}/configuration-files/{{KEY}}/config_v6.json"
            assert httpx.get(url).json()["f"]["on"]["v"] == {{"b": True}}

        def test_two_same_key(configcat_config_json):
            served = configcat_config_json({{"flags": {{"on": False}}}}, sdk_key=KEY)
            url = f"{{served.base_url}}/configuration-files/{{KEY}}/config_v6.json"
            assert httpx.get(url).json()["f"]["on"]["v"] == {{"b": False}}
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio", "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_serve_refuses_config_json_with_a_state_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["serve", "--config-json", "x.json", "--state-file", str(tmp_path / "s.db")]
    assert main(args) == 2
    assert "do not go together" in capsys.readouterr().err


def test_a_dumped_state_keeps_the_import(target: FlagServer) -> None:
    target.mock.import_config_json(hand_written(), sdk_key=KEY_IMPORT)
    before = json.loads(download(target.base_url, KEY_IMPORT))
    with FlagServer(MockConfigCat(seed=target.mock.dump())) as again:
        after = json.loads(download(again.base_url, KEY_IMPORT))
        again.mock.close()
    assert {**after, "p": {}} == {**before, "p": {}}
    assert after["p"]["s"] == "production-salt-1"
