"""The base classes of the generated namespaces and operations.

``cc.products.get_product(product_id)`` is a method of a class that ``make regenerate`` writes
from ``spec/templates/endpoint_init.py.jinja`` into each tag folder of the generated package
(``configcat_publicapi_client.api.products``), with the operation's real parameters, return
type and documentation; nothing here or in the clients lists an operation. The classes below
hold what every generated operation shares: the client it calls through, its name for
messages, and clear ``TypeError``\\ s for arguments that do not fit its signature, a plain
``dict`` given as a request body among them.

A namespace module is imported when its client attribute is first used, so that
``import configcat_publicapi`` loads no endpoint or model module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

#: The wrapped entry points of an operation: a ``TypeError`` raised while binding their
#: arguments is re-raised naming the operation and the parameters it takes.
_ENTRY_POINTS = ("__call__", "raw", "paginate")


def _describe(name: str, entry: str, fn: Callable[..., Any], exc: TypeError) -> TypeError:
    import inspect  # only when arguments did not bind: it costs milliseconds to import

    try:
        signature = inspect.signature(fn, eval_str=True)
    except NameError:  # an annotation only type checkers import
        signature = inspect.signature(fn)
    params = list(signature.parameters.values())[1:]  # without self
    shown = str(signature.replace(parameters=params, return_annotation=inspect.Signature.empty))
    detail = str(exc)
    _, sep, rest = detail.partition("() ")
    label = name if entry == "__call__" else f"{name}.{entry}"
    return TypeError(f"{label}() {rest if sep else detail}; it takes {shown}")


def _body_error(name: str, entry: str, fn: Callable[..., Any], body: Any) -> TypeError | None:
    """A ``TypeError`` naming the model when ``body`` is a mapping (or a list of them) where
    the operation takes a model; ``None`` when it is not.

    A dict is refused rather than turned into the model: the generated ``from_dict`` keeps
    unknown keys as additional properties and does not check types, so a misspelt field would
    be sent as it is and the service would ignore it silently.
    """
    if isinstance(body, Mapping):
        given = "dict"
    elif isinstance(body, list) and any(isinstance(item, Mapping) for item in body):
        given = "list of dicts"
    else:
        return None
    wanted = str(fn.__annotations__.get("body", "a model")).replace(" | Unset", "")
    model = wanted.removeprefix("list[").removesuffix("]")
    label = name if entry == "__call__" else f"{name}.{entry}"
    build = f"{model}.from_dict({{...}})"
    if wanted.startswith("list["):
        build = f"[{build}, ...]"
    return TypeError(
        f"{label}(): body must be {wanted}, not a {given}; build it with {build} "
        f"(from configcat_publicapi_client.models import {model})"
    )


def _with_named_errors(fn: Callable[..., Any], name: str, entry: str) -> Callable[..., Any]:
    @functools.wraps(fn)
    def entry_point(self: Any, *args: Any, **kwargs: Any) -> Any:
        body = kwargs.get("body")
        if body is not None and (error := _body_error(name, entry, fn, body)) is not None:
            raise error
        try:
            return fn(self, *args, **kwargs)
        except TypeError as exc:
            # raised by the call itself (no frame of ``fn`` in the traceback): the arguments
            # did not bind; a TypeError from deeper down is left as it is
            tb = exc.__traceback__
            if tb is not None and tb.tb_next is None:
                raise _describe(name, entry, fn, exc) from None
            raise

    return entry_point


class _OperationBase:
    """One operation bound to a client."""

    __slots__ = ("_client",)

    #: ``namespace.operation``, as users call it.
    name: ClassVar[str] = ""
    #: ``METHOD /path/{}/template``: the rate limiter's key, also used in messages.
    endpoint: ClassVar[str] = ""
    #: Request extensions that tell the policy transport the endpoint of this request.
    _extensions: ClassVar[dict[str, Any]] = {}

    def __init__(self, client: Any) -> None:
        self._client = client

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for entry in _ENTRY_POINTS:
            fn = cls.__dict__.get(entry)
            if fn is not None:
                setattr(cls, entry, _with_named_errors(fn, cls.name, entry))

    @property
    def is_paged(self) -> bool:
        """Whether the operation has ``.paginate()``."""
        return hasattr(self, "paginate")

    def __repr__(self) -> str:
        return f"<operation {self.name} ({self.endpoint})>"


class Operation(_OperationBase):
    """A synchronous operation: call it for the parsed model, ``.raw(...)`` for the response."""

    __slots__ = ()


class AsyncOperation(_OperationBase):
    """An asynchronous operation: await it for the parsed model, ``.raw(...)`` for the response."""

    __slots__ = ()


class _NamespaceBase:
    """The operations of one spec tag, each built on first access."""

    _name: ClassVar[str] = ""
    _operation_names: ClassVar[tuple[str, ...]] = ()

    def __init__(self, client: Any) -> None:
        self._client = client

    def operations(self) -> tuple[str, ...]:
        """The names of the operations in this namespace."""
        return self._operation_names

    if not TYPE_CHECKING:  # type checkers report a misspelt operation by themselves

        def __getattr__(self, name: str) -> Any:
            # only reached for a name the class does not have
            raise AttributeError(
                f"namespace {self._name!r} has no operation {name!r}; "
                f"it has: {', '.join(self._operation_names)}"
            )

    def __repr__(self) -> str:
        return f"<namespace {self._name}>"


class Namespace(_NamespaceBase):
    """Synchronous operations of one spec tag."""


class AsyncNamespace(_NamespaceBase):
    """Asynchronous operations of one spec tag."""
