"""Resource namespaces bound lazily to the generated endpoint modules.

``cc.products.get_product(product_id)`` finds ``configcat_publicapi_client.api.products.
get_product`` and calls its ``sync_detailed``. Nothing is listed by hand: the operations of a
namespace are the modules ``pkgutil`` finds in its generated folder the first time the
namespace is used, and a module is imported the first time one of its operations is called,
so ``import configcat_publicapi`` loads no endpoint module at all. Only the short names of
the generated folders are written here. What each operation returns is told to type checkers
by :mod:`configcat_publicapi._namespace_types`, which the running code never imports.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from urllib.parse import quote

import httpx

from configcat_publicapi._redact import redact_url

if TYPE_CHECKING:
    from configcat_publicapi._client import AsyncConfigCatClient, ConfigCatClient

API_PACKAGE = "configcat_publicapi_client.api"

R_co = TypeVar("R_co", covariant=True)
T_co = TypeVar("T_co", covariant=True)


class Page(Protocol[T_co]):
    """What a paged list operation returns: ``data`` (this page's items) and ``paging``."""

    @property
    def data(self) -> Sequence[T_co] | None: ...
    @property
    def paging(self) -> Any: ...


#: Short namespace name -> folder of the generated package (one folder per spec tag).
NAMESPACES: dict[str, str] = {
    "audit_logs": "audit_logs",
    "change_requests": "change_requests_approval_flow_scheduled_changes_beta",
    "code_references": "code_references",
    "configs": "configs",
    "environments": "environments",
    "flags": "feature_flags_settings",
    "integration_links": "integration_links",
    "integrations": "integrations",
    "me": "me",
    "members": "members",
    "organizations": "organizations",
    "permission_groups": "permission_groups",
    "products": "products",
    "proxy_profiles": "proxy_profiles",
    "sdk_key_values": "feature_flag_setting_values_using_sdk_key",
    "sdk_key_values_v2": "feature_flag_setting_values_using_sdk_key_v2",
    "sdk_keys": "sdk_keys",
    "segments": "segments",
    "setting_values": "feature_flag_setting_values",
    "setting_values_v2": "feature_flag_setting_values_v2",
    "settings": "feature_flags_settings",
    "stale_flags": "zombie_stale_flags",
    "tags": "tags",
    "webhooks": "webhooks",
}


@cache
def operations_of(folder: str) -> tuple[str, ...]:
    """The operation (module) names in one generated folder, found on first use."""
    import pkgutil

    package = importlib.import_module(f"{API_PACKAGE}.{folder}")
    return tuple(sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.ispkg))


@cache
def _parameters(module: ModuleType) -> frozenset[str]:
    return frozenset(inspect.signature(module.sync_detailed).parameters)


@cache
def _path_parameters(module: ModuleType) -> tuple[str, ...]:
    """The generated functions take path parameters positionally, everything else by keyword."""
    return tuple(
        name
        for name, p in inspect.signature(module.sync_detailed).parameters.items()
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    )


class RawResponse:
    """Status, headers and body of a call, with the parsed model when there is one.

    A raw call does not raise for a non-2xx status; it still raises for connection errors.
    """

    __slots__ = ("_url", "content", "headers", "method", "parsed", "status_code")

    def __init__(
        self,
        *,
        status_code: int,
        headers: httpx.Headers,
        content: bytes,
        parsed: Any,
        method: str,
        url: httpx.URL | str,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.parsed = parsed
        self.method = method
        self._url = url

    @property
    def url(self) -> str:
        """The request URL, without secrets."""
        return redact_url(self._url)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        return httpx.Response(self.status_code, content=self.content).json()

    def __repr__(self) -> str:
        return f"<RawResponse {self.status_code} {self.method} {self.url}>"


class _OperationBase:
    """One generated endpoint module, imported on first call."""

    __slots__ = ("_module", "folder", "name", "namespace")

    def __init__(self, namespace: str, folder: str, name: str) -> None:
        self.namespace = namespace
        self.folder = folder
        self.name = name
        self._module: ModuleType | None = None

    @property
    def module(self) -> ModuleType:
        if self._module is None:
            self._module = importlib.import_module(f"{API_PACKAGE}.{self.folder}.{self.name}")
        return self._module

    @property
    def parameters(self) -> frozenset[str]:
        """Keyword names the generated function accepts (``client`` included)."""
        return _parameters(self.module)

    def path_values(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> frozenset[str]:
        """The path segments a call fills in, quoted as the generated code quotes them; the
        transport turns them back into ``{}`` for the rate limiter's method + path template."""
        values = {quote(str(v), safe="") for v in args}
        for name in _path_parameters(self.module):
            if name in kwargs:
                values.add(quote(str(kwargs[name]), safe=""))
        return frozenset(values)

    @property
    def accepts_reason(self) -> bool:
        return "reason" in self.parameters

    @property
    def is_paged(self) -> bool:
        return {"page_number", "page_size"} <= self.parameters

    def __repr__(self) -> str:
        return f"<operation {self.namespace}.{self.name}>"


class Operation(_OperationBase, Generic[R_co]):
    """A synchronous operation: call it for the parsed model, ``.raw(...)`` for the response.

    ``R_co`` is the model it returns (see :mod:`configcat_publicapi._namespace_types`)."""

    __slots__ = ("_client",)

    def __init__(self, client: ConfigCatClient, namespace: str, folder: str, name: str) -> None:
        super().__init__(namespace, folder, name)
        self._client = client

    def __call__(self, *args: Any, **kwargs: Any) -> R_co:
        parsed: R_co = self._client._invoke(self, args, kwargs, check=True).parsed
        return parsed

    def raw(self, *args: Any, **kwargs: Any) -> RawResponse:
        return self._client._invoke(self, args, kwargs, check=False)

    def paginate(self: Operation[Page[T_co]], *args: Any, **kwargs: Any) -> Iterator[T_co]:
        """Every item of a paged list operation, fetched page by page as you iterate."""
        return self._client.paginate(self, *args, **kwargs)


class AsyncOperation(_OperationBase, Generic[R_co]):
    """An asynchronous operation: await it for the parsed model, ``.raw(...)`` for the response."""

    __slots__ = ("_client",)

    def __init__(
        self, client: AsyncConfigCatClient, namespace: str, folder: str, name: str
    ) -> None:
        super().__init__(namespace, folder, name)
        self._client = client

    async def __call__(self, *args: Any, **kwargs: Any) -> R_co:
        parsed: R_co = (await self._client._invoke(self, args, kwargs, check=True)).parsed
        return parsed

    async def raw(self, *args: Any, **kwargs: Any) -> RawResponse:
        return await self._client._invoke(self, args, kwargs, check=False)

    def paginate(
        self: AsyncOperation[Page[T_co]], *args: Any, **kwargs: Any
    ) -> AsyncIterator[T_co]:
        """Every item of a paged list operation, fetched page by page as you iterate."""
        return self._client.paginate(self, *args, **kwargs)


OpT = TypeVar("OpT", Operation[Any], AsyncOperation[Any])


class _NamespaceBase(Generic[OpT]):
    """Operations of one spec tag, created on first attribute access."""

    def __init__(self, name: str, factory: Callable[[str, str, str], OpT]) -> None:
        self._name = name
        self._folder = NAMESPACES[name]
        self._factory: Callable[[str, str, str], OpT] = factory

    def operations(self) -> tuple[str, ...]:
        """The names of the operations in this namespace."""
        return operations_of(self._folder)

    def _operation(self, name: str) -> OpT:
        if name.startswith("_") or name not in self.operations():
            raise AttributeError(
                f"namespace {self._name!r} has no operation {name!r}; "
                f"it has: {', '.join(self.operations())}"
            )
        op = self._factory(self._name, self._folder, name)
        self.__dict__[name] = op
        return op

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self.operations()})

    def __repr__(self) -> str:
        return f"<namespace {self._name} ({self._folder})>"


class Namespace(_NamespaceBase[Operation[Any]]):
    """Synchronous operations of one spec tag."""

    def __getattr__(self, name: str) -> Operation[Any]:
        return self._operation(name)


class AsyncNamespace(_NamespaceBase[AsyncOperation[Any]]):
    """Asynchronous operations of one spec tag."""

    def __getattr__(self, name: str) -> AsyncOperation[Any]:
        return self._operation(name)
