"""OpenFeature's OFREP provider for Node.js, pointed at the fake, gets exactly what the official
ConfigCat SDK computes for the same users."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from protocol_support import KEYS, USERS, Make, context_of, official, targeted_flags

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / ".tool-cache" / "ofrep-node"
NODE_PACKAGES = ["@openfeature/ofrep-provider@0.1.3", "@openfeature/server-sdk@1"]
SCRIPT = Path(__file__).with_name("node") / "ofrep.js"


@dataclass(frozen=True)
class NodeProvider:
    node: str
    modules: Path


@pytest.fixture(scope="session")
def node_ofrep() -> NodeProvider:
    """The provider, installed by npm under the git-ignored .tool-cache/ on first use
    (``make node-ofrep`` does the same)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are needed for the Node OFREP provider proof")
    if not (NODE_MODULES / "node_modules" / "@openfeature" / "ofrep-provider").is_dir():
        NODE_MODULES.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - npm found on PATH, fixed packages
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(NODE_MODULES),
                *NODE_PACKAGES,
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return NodeProvider(node, NODE_MODULES)


@pytest.mark.slow
def test_the_node_ofrep_provider_gets_the_official_values(
    configcat_flags: Make, node_ofrep: NodeProvider
) -> None:
    flags = targeted_flags(configcat_flags)
    defaults = {"isBeta": False, "discount": -1, "plan": "", "banner": "", "ratio": -1.0}
    assert list(defaults) == KEYS
    request = {
        "modules": str(node_ofrep.modules),
        "baseUrl": flags.ofrep_url,
        "headers": {"X-ConfigCat-SdkId": flags.sdk_id},
        "flags": defaults,
        "contexts": [context_of(user[0]) for user in USERS],
    }
    done = subprocess.run(  # noqa: S603 - node found on PATH, our own script
        [node_ofrep.node, str(SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    want = list(official(flags))
    assert len(got) == len(want)
    reasons = set()
    for (value, variant, reason, error), (user_key, key, want_value, want_variant) in zip(
        got, want, strict=True
    ):
        assert error is None, (user_key, key, error)
        assert (value, variant) == (want_value, want_variant), (user_key, key)
        reasons.add(reason)
    assert reasons == {"STATIC", "TARGETING_MATCH", "SPLIT"}
