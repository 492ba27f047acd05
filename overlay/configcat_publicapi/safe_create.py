"""Safe creates: a create that may or may not have been applied is looked up, never blindly resent.

The client never sends a POST or PATCH twice on its own (:mod:`configcat_publicapi._retry`):
when the answer is lost (a dropped connection, a timeout, a 5xx) the write may have been
applied, and sending it again could make a duplicate. The error is raised instead. For a
resource with a natural unique key the ambiguity can be settled by looking: :class:`SafeCreates`
(and :class:`AsyncSafeCreates`) send the create, and after an ambiguous failure list the
parent's resources. If the new one is there it is returned; only if it is not is the create
sent again (up to ``attempts`` sends in all).

=======================  ==============================  ======================================
method                   natural key                     unique by the service's rules
=======================  ==============================  ======================================
``setting``              the key, in its config          yes
``environment``          the name, in its product        yes
``segment``              the name, in its product        yes
``product``              the name, in its organization   yes
``tag``                  the name, in its product        no: the namesakes that exist are
``config``               the name, in its product        listed first, and only a new one
``permission_group``     the name, in its product        counts as the create's
=======================  ==============================  ======================================

Keys are compared ignoring case, as the service does. Errors that settle the question are
raised as they are: a 4xx means the create was refused (a 429 is retried by the client, as
the service did not process it). If the lookup itself fails, the create's error is raised
with the lookup's error as its cause.

The decision is written once, as a generator that yields the calls to make; a sync and an
async driver run it against the client's namespaces (path parameters positional, ``body=``
keyword).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, overload
from uuid import UUID

from configcat_publicapi._exceptions import (
    APIConnectionError,
    APIStatusError,
    ConfigCatConfigurationError,
    ConfigCatError,
)

if TYPE_CHECKING:
    from typing import Self

    from configcat_publicapi._client import AsyncConfigCatClient, ConfigCatClient
    from configcat_publicapi_client.models import (
        ConfigModel,
        CreateConfigRequest,
        CreateEnvironmentModel,
        CreatePermissionGroupRequest,
        CreateProductRequest,
        CreateSegmentModel,
        CreateSettingInitialValues,
        CreateTagModel,
        EnvironmentModel,
        PermissionGroupModel,
        ProductModel,
        SegmentModel,
        SettingModel,
        TagModel,
    )

__all__ = [
    "DEFAULT_ATTEMPTS",
    "AsyncCreate",
    "AsyncSafeCreates",
    "SafeCreates",
    "SyncCreate",
    "is_ambiguous",
]

#: Sends of one create at most, the first included.
DEFAULT_ATTEMPTS = 3
ParentId = UUID | str
B_contra = TypeVar("B_contra", contravariant=True)
R_co = TypeVar("R_co", covariant=True)


def is_ambiguous(error: BaseException) -> bool:
    """Whether the write behind ``error`` may have been applied: no answer, or a 5xx (but 501
    Not Implemented and 505 HTTP Version Not Supported, which say it was not)."""
    if isinstance(error, APIConnectionError):
        return True
    return (
        isinstance(error, APIStatusError)
        and error.status_code >= 500
        and error.status_code not in (501, 505)
    )


@dataclass(frozen=True)
class _Kind:
    namespace: str
    create: str
    listing: str
    key: str  # the body's field and the model's attribute holding the natural key
    ident: str  # the model's id attribute
    unique: bool  # the service refuses a second resource with the same key
    fetch: str | None = None  # get one by id, when the listing's model is not the create's
    scoped: Callable[[Any], str] | None = None  # the parent id of a listed row, to filter on


@dataclass(frozen=True)
class _Call:
    namespace: str
    method: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


SETTING = _Kind("settings", "create_setting", "get_settings", "key", "setting_id", True)
ENVIRONMENT = _Kind(
    "environments", "create_environment", "get_environments", "name", "environment_id", True
)
SEGMENT = _Kind(
    "segments", "create_segment", "get_segments", "name", "segment_id", True, fetch="get_segment"
)
PRODUCT = _Kind(
    "products",
    "create_product",
    "get_products",
    "name",
    "product_id",
    True,
    scoped=lambda row: str(row.organization.organization_id),
)
TAG = _Kind("tags", "create_tag", "get_tags", "name", "tag_id", False)
CONFIG = _Kind("configs", "create_config", "get_configs", "name", "config_id", False)
PERMISSION_GROUP = _Kind(
    "permission_groups",
    "create_permission_group",
    "get_permission_groups",
    "name",
    "permission_group_id",
    False,
)


def _value(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _plan(kind: _Kind, parent: ParentId, body: Any, attempts: int) -> Generator[_Call, Any, Any]:
    """The calls of one safe create; the driver sends back each result or throws its error."""
    if attempts < 1:
        raise ConfigCatConfigurationError("attempts must be at least 1")
    key = _value(body, kind.key)
    if not isinstance(key, str) or not key:
        raise ConfigCatConfigurationError(f"a safe create needs the body's {kind.key!r}")
    folded = key.casefold()
    listing = _Call(kind.namespace, kind.listing, () if kind.scoped else (parent,))

    def ours(rows: Any, before: set[str]) -> list[Any]:
        return [
            row
            for row in rows or ()
            if str(_value(row, kind.key) or "").casefold() == folded
            and (kind.scoped is None or kind.scoped(row) == str(parent))
            and str(_value(row, kind.ident)) not in before
        ]

    before: set[str] = set()
    if not kind.unique:  # namesakes may exist already: only a new one is the create's
        before = {str(_value(row, kind.ident)) for row in ours((yield listing), set())}
    error: ConfigCatError | None = None
    for _ in range(attempts):
        try:
            return (yield _Call(kind.namespace, kind.create, (parent,), {"body": body}))
        except ConfigCatError as exc:
            if not is_ambiguous(exc):
                raise
            error = exc
        try:
            found = ours((yield listing), before)
        except ConfigCatError as lookup_error:
            raise error from lookup_error
        if found:
            hit = found[0]
            if kind.fetch is not None:
                hit = yield _Call(kind.namespace, kind.fetch, (_value(hit, kind.ident),))
            return hit
    assert error is not None
    raise error


def _invoke(client: Any, call: _Call) -> Any:
    return getattr(getattr(client, call.namespace), call.method)(*call.args, **call.kwargs)


class _Driver:
    """Feeds a plan the outcome of each call it yields; the sync and async loops share it."""

    def __init__(self, plan: Generator[_Call, Any, Any]) -> None:
        self.plan = plan
        self.outcome: tuple[Any, ConfigCatError | None] = (None, None)
        self.value: Any = None

    def next_call(self) -> _Call | None:
        result, error = self.outcome
        try:
            return self.plan.throw(error) if error is not None else self.plan.send(result)
        except StopIteration as done:
            self.value = done.value
            return None


def _run(client: ConfigCatClient, plan: Generator[_Call, Any, Any]) -> Any:
    driver = _Driver(plan)
    while (call := driver.next_call()) is not None:
        try:
            driver.outcome = (_invoke(client, call), None)
        except ConfigCatError as exc:
            driver.outcome = (None, exc)
    return driver.value


async def _run_async(client: AsyncConfigCatClient, plan: Generator[_Call, Any, Any]) -> Any:
    driver = _Driver(plan)
    while (call := driver.next_call()) is not None:
        try:
            driver.outcome = (await _invoke(client, call), None)
        except ConfigCatError as exc:
            driver.outcome = (None, exc)
    return driver.value


class SyncCreate(Protocol[B_contra, R_co]):
    """A safe create of :class:`SafeCreates`: the parent's id, then ``body=``."""

    def __call__(self, parent: ParentId, /, *, body: B_contra) -> R_co: ...


class AsyncCreate(Protocol[B_contra, R_co]):
    """A safe create of :class:`AsyncSafeCreates`: the parent's id, then ``body=``."""

    def __call__(self, parent: ParentId, /, *, body: B_contra) -> Awaitable[R_co]: ...


class _Create(Generic[B_contra, R_co]):
    """One safe create, declared once for both clients; typed by its annotation."""

    def __init__(self, kind: _Kind) -> None:
        self.kind = kind

    @overload
    def __get__(self, obj: None, owner: type) -> Self: ...
    @overload
    def __get__(self, obj: SafeCreates, owner: type) -> SyncCreate[B_contra, R_co]: ...
    @overload
    def __get__(self, obj: AsyncSafeCreates, owner: type) -> AsyncCreate[B_contra, R_co]: ...
    def __get__(self, obj: _Creates | None, owner: type) -> Any:
        if obj is None:
            return self
        kind, run = self.kind, obj._run

        def create(parent: ParentId, /, *, body: Any) -> Any:
            return run(kind, parent, body)

        return create


class _Creates:
    """The safe creates, with the natural key each is looked up by (module docstring)."""

    setting: _Create[CreateSettingInitialValues, SettingModel] = _Create(SETTING)
    environment: _Create[CreateEnvironmentModel, EnvironmentModel] = _Create(ENVIRONMENT)
    segment: _Create[CreateSegmentModel, SegmentModel] = _Create(SEGMENT)
    product: _Create[CreateProductRequest, ProductModel] = _Create(PRODUCT)
    tag: _Create[CreateTagModel, TagModel] = _Create(TAG)
    config: _Create[CreateConfigRequest, ConfigModel] = _Create(CONFIG)
    permission_group: _Create[CreatePermissionGroupRequest, PermissionGroupModel] = _Create(
        PERMISSION_GROUP
    )

    def __init__(self, attempts: int) -> None:
        self.attempts = attempts

    def _run(self, kind: _Kind, parent: ParentId, body: Any) -> Any:
        raise NotImplementedError


class SafeCreates(_Creates):
    """Creates that survive a lost answer without making a duplicate: ``SafeCreates(cc).tag(
    product_id, body=CreateTagModel(name="beta"))``."""

    def __init__(self, client: ConfigCatClient, *, attempts: int = DEFAULT_ATTEMPTS) -> None:
        super().__init__(attempts)
        self.client = client

    def _run(self, kind: _Kind, parent: ParentId, body: Any) -> Any:
        return _run(self.client, _plan(kind, parent, body, self.attempts))


class AsyncSafeCreates(_Creates):
    """:class:`SafeCreates` for an :class:`~configcat_publicapi.AsyncConfigCatClient`: ``await
    AsyncSafeCreates(acc).tag(product_id, body=...)``."""

    def __init__(self, client: AsyncConfigCatClient, *, attempts: int = DEFAULT_ATTEMPTS) -> None:
        super().__init__(attempts)
        self.client = client

    def _run(self, kind: _Kind, parent: ParentId, body: Any) -> Any:
        return _run_async(self.client, _plan(kind, parent, body, self.attempts))
