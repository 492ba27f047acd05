"""The flag server: the fake on 127.0.0.1 for SDKs, making a config per flag set on demand.

Each :meth:`FlagServer.flags` call makes a product of its own in the fake, with one environment
and one config, through the fake's management API, so what an SDK downloads is computed exactly
as for any other config, and two flag sets never share an SDK key. The pytest plugin's
``configcat_flags`` fixture is the same with one server per session.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from configcat_mock.testkit.flag_builder import (
    Condition,
    ConfigVersion,
    Flag,
    FlagSpec,
    SegmentCondition,
    UserCondition,
    as_flag,
    setting_type,
    value_model,
)

if TYPE_CHECKING:
    from configcat_mock.http.server import LoopbackServer
    from configcat_mock.testkit.config_import import ImportedConfig
    from configcat_mock.testkit.mock import MockConfigCat


# -- serving ----------------------------------------------------------------------------------


class FlagSet:
    """One config in the fake: its SDK key, where SDKs download it, and ways to change it."""

    def __init__(
        self,
        api: httpx.Client,
        base_url: str,
        product_id: str,
        environment_id: str,
        config_id: str,
        version: ConfigVersion,
        sdk_key: str,
    ) -> None:
        self._api = api
        self.base_url = base_url
        self.product_id = product_id
        self.environment_id = environment_id
        self.config_id = config_id
        self.version: ConfigVersion = version
        self.sdk_key = sdk_key
        self.named_sdk_id: str | None = None
        self.setting_ids: dict[str, int] = {}
        self.segment_ids: dict[str, str] = {}
        self._types: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"FlagSet({sorted(self.setting_ids)}, version={self.version!r})"

    @property
    def ofrep_url(self) -> str:
        """The base URL an OpenFeature OFREP provider is given (``/ofrep/v1/...`` below it);
        it names the flag set by ``X-ConfigCat-SdkKey: <sdk_key>`` or one of the other forms
        (see :mod:`configcat_mock.delivery.ofrep`)."""
        return self.base_url

    @property
    def proxy_url(self) -> str:
        """Where the ConfigCat Proxy's API (``/api/{sdk_id}/...``), streams (``/sse/...``)
        and CDN path are served."""
        return self.base_url

    @property
    def sdk_id(self) -> str:
        """The flag set's SDK id for the Proxy's routes: the one given to
        :meth:`FlagServer.flags`, else its SDK key's last segment."""
        from configcat_mock.delivery.sdk_registry import implicit_sdk_id

        return self.named_sdk_id or implicit_sdk_id(self.sdk_key)

    def set(self, key: str, spec: FlagSpec) -> None:
        """Create or change a flag; SDKs see it on their next refresh."""
        flag_ = as_flag(spec)
        if key not in self.setting_ids:
            kind = setting_type(flag_.default)
            body = {"key": key, "name": key, "settingType": kind}
            created = _ok(self._api.post(f"/v1/configs/{self.config_id}/settings", json=body))
            self.setting_ids[key], self._types[key] = int(created["settingId"]), kind
        setting = self.setting_ids[key]
        if self.version == "v2":
            url = f"/v2/environments/{self.environment_id}/settings/{setting}/value"
            _ok(self._api.put(url, json=self._v2_formula(key, flag_)))
        else:
            url = f"/v1/environments/{self.environment_id}/settings/{setting}/value"
            _ok(self._api.put(url, json=self._v1_value(key, flag_)))

    def _v2_formula(self, key: str, flag_: Flag) -> dict[str, Any]:
        kind = self._types[key]

        def condition(cond: Condition) -> dict[str, Any]:
            if isinstance(cond, UserCondition):
                return cond.v2()
            if isinstance(cond, SegmentCondition):
                seg = {"segmentId": self._segment(key, cond.name), "comparator": cond.comparator}
                return {"segmentCondition": seg}
            if cond.key not in self.setting_ids:
                raise ValueError(f"flag {key!r}: its prerequisite {cond.key!r} is not in the set")
            return {
                "prerequisiteFlagCondition": {
                    "prerequisiteSettingId": self.setting_ids[cond.key],
                    "comparator": cond.comparator,
                    "prerequisiteComparisonValue": value_model(cond.value, self._types[cond.key]),
                }
            }

        rules = [
            {
                "conditions": [condition(c) for c in rule.conditions],
                "percentageOptions": [
                    {"percentage": p, "value": value_model(v, kind)} for p, v in rule.percentages
                ],
                "value": None if rule.value is None else value_model(rule.value, kind),
            }
            for rule in flag_.rules
        ]
        if flag_.percentages:
            options = [
                {"percentage": p, "value": value_model(v, kind)} for p, v in flag_.percentages
            ]
            rules.append({"conditions": [], "percentageOptions": options, "value": None})
        formula: dict[str, Any] = {
            "defaultValue": value_model(flag_.default, kind),
            "targetingRules": rules,
        }
        if flag_.percentage_attribute:
            formula["percentageEvaluationAttribute"] = flag_.percentage_attribute
        return formula

    def _v1_value(self, key: str, flag_: Flag) -> dict[str, Any]:
        kind = self._types[key]
        rules = []
        for i, rule in enumerate(flag_.rules):
            where = f"flag {key!r}, rule {i + 1}"
            if len(rule.conditions) != 1 or rule.percentages or rule.value is None:
                raise ValueError(f"{where}: a v1 rule has one condition and one value")
            (cond,) = rule.conditions
            value = value_model(rule.value, kind).popitem()[1]
            if isinstance(cond, UserCondition):
                rules.append({**cond.v1(where), "value": value})
            elif isinstance(cond, SegmentCondition):
                rules.append(
                    {
                        "segmentComparator": cond.comparator,
                        "segmentId": self._segment(key, cond.name),
                        "value": value,
                    }
                )
            else:
                raise ValueError(f"{where}: prerequisite flags need a v2 config")
        if flag_.percentage_attribute:
            raise ValueError(f"flag {key!r}: a percentage attribute needs a v2 config")
        items = [
            {"percentage": p, "value": value_model(v, kind).popitem()[1]}
            for p, v in flag_.percentages
        ]
        return {
            "value": value_model(flag_.default, kind).popitem()[1],
            "rolloutRules": rules,
            "rolloutPercentageItems": items,
        }

    def _segment(self, key: str, name: str) -> str:
        if name not in self.segment_ids:
            raise ValueError(f"flag {key!r}: segment {name!r} is not defined (segments={{...}})")
        return self.segment_ids[name]

    def add_segment(self, name: str, condition: UserCondition) -> None:
        """Create a segment of the flag set's product from one user condition."""
        body = {"name": name, **condition.v1(f"segment {name!r}")}
        created = _ok(self._api.post(f"/v1/products/{self.product_id}/segments", json=body))
        self.segment_ids[name] = str(created["segmentId"])

    def close(self) -> None:
        """Remove the flag set's product from the fake (its SDK key stops answering)."""
        self._api.delete(f"/v1/products/{self.product_id}")


def _ok(response: httpx.Response) -> Any:
    if not response.is_success:
        raise ValueError(
            f"the fake refused {response.request.method} {response.request.url.path}: "
            f"{response.status_code} {response.text}"
        )
    return response.json() if response.content else None


class FlagServer:
    """The fake served on 127.0.0.1 for SDKs, making :class:`FlagSet` s on demand."""

    def __init__(self, mock: MockConfigCat | None = None) -> None:
        self._given = mock
        self._names = itertools.count(1)
        self.mock: MockConfigCat
        self.server: LoopbackServer
        self._api: httpx.Client

    @property
    def base_url(self) -> str:
        """The server's URL: an SDK's base URL."""
        return self.server.url

    def __enter__(self) -> FlagServer:
        from configcat_mock.http.server import LoopbackServer
        from configcat_mock.testkit.mock import MockConfigCat

        self.mock = self._given or MockConfigCat(rate_limits=False)
        self.server = LoopbackServer(self.mock.app).__enter__()
        self._api = httpx.Client(
            base_url="http://configcat-mock",
            transport=self.mock.transport,
            auth=(self.mock.username, self.mock.password),
        )
        me = _ok(self._api.get("/v1/organizations"))
        self._organization = str(me[0]["organizationId"])
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._api.close()
        self.server.__exit__(exc_type, exc, tb)
        if self._given is None:
            self.mock.close()

    def flags(
        self,
        flags: Mapping[str, FlagSpec],
        *,
        version: ConfigVersion = "v2",
        segments: Mapping[str, UserCondition] | None = None,
        sdk_id: str | None = None,
    ) -> FlagSet:
        """A new config holding ``flags`` (in order, so prerequisites come first);
        ``sdk_id`` also serves it under that id on the Proxy's routes."""
        number = next(self._names)
        product = _ok(
            self._api.post(
                f"/v1/organizations/{self._organization}/products", json={"name": f"flags-{number}"}
            )
        )
        product_id = str(product["productId"])
        env = _ok(self._api.post(f"/v1/products/{product_id}/environments", json={"name": "Test"}))
        config = _ok(
            self._api.post(
                f"/v1/products/{product_id}/configs",
                json={"name": "Flags", "evaluationVersion": version},
            )
        )
        environment_id, config_id = str(env["environmentId"]), str(config["configId"])
        keys = _ok(self._api.get(f"/v1/configs/{config_id}/environments/{environment_id}"))
        flag_set = FlagSet(
            self._api,
            self.base_url,
            product_id,
            environment_id,
            config_id,
            version,
            str(keys["primary"]),
        )
        if sdk_id is not None:
            self.add_proxy_sdk(sdk_id, flag_set.sdk_key)
            flag_set.named_sdk_id = sdk_id
        for name, condition in (segments or {}).items():
            flag_set.add_segment(name, condition)
        for key, spec in flags.items():
            flag_set.set(key, spec)
        return flag_set

    def import_config_json(
        self,
        source: str | os.PathLike[str] | Mapping[str, Any] | bytes,
        *,
        sdk_key: str | None = None,
        name: str | None = None,
    ) -> ImportedConfig:
        """A config JSON served to SDKs as it evaluates (see
        :meth:`MockConfigCat.import_config_json`), with this server's ``base_url``."""
        done = self.mock.import_config_json(source, sdk_key=sdk_key, name=name)
        return attrs.evolve(done, base_url=self.base_url)

    def add_proxy_sdk(self, sdk_id: str, sdk_key: str) -> None:
        """Serve ``sdk_key`` under the SDK id ``sdk_id`` on the Proxy's routes, as
        ``configcat-mock serve --proxy-sdk ID=SDK_KEY`` does."""
        self.mock.protocols.add_proxy_sdk(sdk_id, sdk_key)

    def remove(self, imported: ImportedConfig) -> None:
        """Remove an import (its product) from the fake."""
        _ok(self._api.delete(f"/v1/products/{imported.product_id}"))
