"""Every operation of the spec is reachable from both clients through its generated namespace
method; namespace modules load lazily."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
import respx

from configcat_publicapi import (
    AsyncConfigCatClient,
    ConfigCatClient,
    NotFoundError,
    RetryPolicy,
)
from configcat_publicapi._namespace import AsyncOperation, Operation
from configcat_publicapi_client.api import NAMESPACES
from tests.overlay.overlay_support import PASSWORD, PRODUCT, PRODUCT_ID

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "spec" / "spec.lock.json"
NORMALISED = REPO / "spec" / "build" / "normalised.json"
HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def spec_operations() -> list[tuple[str, str, str]]:
    """(operationId, METHOD, path) of every operation in the normalised spec."""
    if not NORMALISED.is_file():
        pytest.fail("spec/build/normalised.json is missing: run `make regenerate`")
    doc = json.loads(NORMALISED.read_text())
    return sorted(
        (op["operationId"], method.upper(), path)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    )


OPERATIONS = spec_operations()


def test_the_spec_has_the_locked_operations() -> None:
    lock = json.loads(LOCK.read_text())
    assert len(OPERATIONS) == lock["operation_count"] == 123
    assert sorted(f"{m} {p}" for _, m, p in OPERATIONS) == sorted(lock["operations"])
    ids = {op_id for op_id, _, _ in OPERATIONS}
    assert len(ids) == 123
    assert {"get-code-references", "delete-code-reference-reports", "upload-code-references"} <= ids


def test_every_generated_folder_has_a_namespace() -> None:
    import configcat_publicapi_client.api as api

    folders = {p.name for p in Path(api.__file__).parent.iterdir() if (p / "__init__.py").is_file()}
    assert folders == set(NAMESPACES.values())


def _operations_of(folder: str) -> set[str]:
    return {
        p.stem
        for p in (REPO / "generated" / "configcat_publicapi_client" / "api" / folder).glob("*.py")
        if p.stem != "__init__"
    }


def test_each_namespace_has_exactly_its_folders_operations() -> None:
    cc = ConfigCatClient("u", PASSWORD)
    for name, folder in NAMESPACES.items():
        namespace = getattr(cc, name)
        assert set(namespace.operations()) == _operations_of(folder), name
        for op_name in namespace.operations():
            assert getattr(namespace, op_name).name.split(".")[1] == op_name
    assert cc.flags is cc.settings


def _namespace_of(name: str) -> str:
    owners = sorted(
        {ns for ns, folder in NAMESPACES.items() if name in _operations_of(folder)}
        - {"flags"}  # alias of settings
    )
    assert len(owners) == 1, f"{name} found in {owners}"
    return owners[0]


class _Body:
    """Stands in for any request model: the generated code only calls ``to_dict``."""

    def to_dict(self) -> dict[str, Any]:
        return {}


def _arguments(op: Operation | AsyncOperation) -> tuple[list[Any], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in inspect.signature(type(op).__call__).parameters.values():
        if param.name == "self" or param.default is not inspect.Parameter.empty:
            continue
        if param.name == "body":
            kwargs["body"] = [] if "list[" in str(param.annotation) else _Body()
        elif param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            args.append("1")
        else:
            kwargs[param.name] = "1"
    return args, kwargs


def _path_pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "1", re.escape(path)) + "$")


def _recorder(seen: list[httpx.Request]):  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404)

    return handler


@pytest.mark.parametrize(("op_id", "method", "path"), OPERATIONS, ids=[o[0] for o in OPERATIONS])
async def test_operation_is_reachable_from_both_clients(op_id: str, method: str, path: str) -> None:
    name = op_id.replace("-", "_")
    namespace = _namespace_of(name)
    seen: list[httpx.Request] = []
    options: dict[str, Any] = {"rate_limit": None, "max_retries": 0}
    with ConfigCatClient(
        "u", PASSWORD, transport=httpx.MockTransport(_recorder(seen)), **options
    ) as cc:
        op = getattr(getattr(cc, namespace), name)
        assert isinstance(op, Operation) and callable(op)
        args, kwargs = _arguments(op)
        with pytest.raises(NotFoundError):
            op(*args, **kwargs)
    async with AsyncConfigCatClient(
        "u", PASSWORD, transport=httpx.MockTransport(_recorder(seen)), **options
    ) as acc:
        aop = getattr(getattr(acc, namespace), name)
        assert isinstance(aop, AsyncOperation) and callable(aop)
        with pytest.raises(NotFoundError):
            await aop(*args, **kwargs)
    assert [r.method for r in seen] == [method, method]
    pattern = _path_pattern(path)
    assert all(pattern.match(r.url.path) for r in seen), (path, [r.url.path for r in seen])


def test_importing_the_overlay_loads_no_namespace_endpoint_or_model_module() -> None:
    code = (
        "import sys, configcat_publicapi as c\n"
        "pkg = 'configcat_publicapi_client'\n"
        "loaded = lambda: sorted(m for m in sys.modules if m.startswith(pkg))\n"
        "print(loaded(), 'attrs' in sys.modules)\n"
        "cc = c.ConfigCatClient('u', 'p')\n"
        "cc.products.get_product\n"
        "print(sorted({m.split('.')[2] for m in loaded() if m.startswith(pkg + '.api.')}))\n"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    # the generated package's lazy __init__ and the namespace attributes, nothing else
    assert out[0] == "['configcat_publicapi_client', 'configcat_publicapi_client.api'] False"
    assert out[1] == "['products']"  # the first use of a namespace loads that one only


def test_unknown_names_fail_clearly() -> None:
    cc = ConfigCatClient("u", PASSWORD)
    with pytest.raises(AttributeError, match="has no operation 'get_prodcts'"):
        cc.products.get_prodcts  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError):
        cc.no_such_namespace  # type: ignore[attr-defined]  # noqa: B018
    assert "get_products" in dir(cc.products)
    assert cc.flags.get_setting is cc.settings.get_setting


def test_a_wrong_keyword_names_the_operation_and_its_parameters() -> None:
    cc = ConfigCatClient("u", PASSWORD)
    with pytest.raises(TypeError) as err:
        cc.settings.delete_setting(1, reasn="x")  # type: ignore[call-arg]
    message = str(err.value)
    assert message.startswith("settings.delete_setting() got an unexpected keyword argument")
    assert "'reasn'" in message and "it takes (setting_id: int)" in message
    with pytest.raises(TypeError, match=r"configs\.get_configs\(\) missing 1 required"):
        cc.configs.get_configs()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"audit_logs\.get_auditlogs_v2\.paginate\(\) got an"):
        cc.audit_logs.get_auditlogs_v2.paginate(UUID(PRODUCT_ID), page=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"it takes \(setting_id: int, \*, body: "):
        cc.settings.replace_setting.raw()  # type: ignore[call-arg]
    acc = AsyncConfigCatClient("u", PASSWORD)
    with pytest.raises(TypeError, match=r"^settings\.delete_setting\(\) got an unexpected"):
        acc.settings.delete_setting(1, reasn="x")  # type: ignore[call-arg, unused-coroutine]


def test_default_reason_and_per_call_reason(router: respx.Router) -> None:
    environment = UUID("0e0e0e0e-0000-4000-8000-00000000000e")
    route = router.put(f"/v1/environments/{environment}/settings/5/value").respond(404)
    router.get(f"/v1/products/{PRODUCT_ID}").respond(200, json=PRODUCT)
    from configcat_publicapi_client.models import UpdateSettingValueModel

    body = UpdateSettingValueModel(value=True)
    with ConfigCatClient("u", PASSWORD, reason="default why", max_retries=0) as cc:
        with pytest.raises(NotFoundError):
            cc.setting_values.replace_setting_value(environment, 5, body=body)
        with pytest.raises(NotFoundError):
            cc.setting_values.replace_setting_value(environment, 5, body=body, reason="this call")
        with pytest.raises(NotFoundError):
            cc.with_options(reason=None).setting_values.replace_setting_value(
                environment, 5, body=body
            )
        # operations without a reason parameter are left alone
        assert cc.products.get_product(UUID(PRODUCT_ID)).name == "Checkout"
    reasons = [c.request.url.params.get("reason") for c in route.calls]
    assert reasons == ["default why", "this call", None]


def test_with_options_copies_share_pool_and_limiter(router: respx.Router) -> None:
    route = router.get("/v1/products").respond(503)
    cc = ConfigCatClient("u", PASSWORD, timeout=10.0, retry=RetryPolicy(max_retries=2))
    quick = cc.with_options(timeout=1.5, max_retries=0)
    assert quick.http.timeout.read == 1.5 and cc.http.timeout.read == 10.0
    assert quick.retry.max_retries == 0 and cc.retry.max_retries == 2
    assert quick.rate_limiter is cc.rate_limiter and quick.base_url == cc.base_url
    with pytest.raises(Exception, match="503"):
        quick.products.get_products()
    assert route.call_count == 1
    quick.close()  # leaves the shared transport open
    assert not cc.http.is_closed
    route.respond(200, json=[PRODUCT])
    assert cc.products.get_products()[0].name == "Checkout"
    cc.close()
    assert cc.http.is_closed


async def test_async_with_options(router: respx.Router) -> None:
    router.get("/v1/products").respond(200, json=[PRODUCT])
    async with AsyncConfigCatClient("u", PASSWORD, reason="r") as acc:
        copy = acc.with_options(reason="other", max_retries=1)
        assert (copy.default_reason, acc.default_reason) == ("other", "r")
        assert (await copy.products.get_products())[0].name == "Checkout"
        await copy.aclose()
        assert (await acc.products.get_products())[0].name == "Checkout"


def test_generated_functions_work_with_api(router: respx.Router) -> None:
    router.get(f"/v1/products/{PRODUCT_ID}").respond(200, json=PRODUCT)
    from configcat_publicapi_client.api.products import get_product

    with ConfigCatClient("u", PASSWORD) as cc:
        assert get_product.sync(UUID(PRODUCT_ID), client=cc.api).name == "Checkout"  # type: ignore[union-attr]
        assert cc.api.get_httpx_client() is cc.http


def test_not_given_is_one_falsy_typed_sentinel() -> None:
    import copy
    import pickle

    from configcat_publicapi import NOT_GIVEN, NotGiven

    assert NotGiven() is NOT_GIVEN
    assert not NOT_GIVEN and repr(NOT_GIVEN) == "NOT_GIVEN"
    assert copy.deepcopy(NOT_GIVEN) is NOT_GIVEN
    assert pickle.loads(pickle.dumps(NOT_GIVEN)) is NOT_GIVEN  # noqa: S301 - our own bytes
    cc = ConfigCatClient("u", "p", reason="kept", max_retries=2)
    same = cc.with_options()
    assert (same.default_reason, same.retry, same._timeout) == ("kept", cc.retry, cc._timeout)
    assert cc.with_options(reason=None).default_reason is None
    assert cc.with_options(max_retries=0).retry.max_retries == 0
