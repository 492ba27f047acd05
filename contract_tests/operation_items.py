"""The pytest items that ``schema.parametrize()`` makes, one per operation: a distinct id for
each, and each operation's cases built when its test runs rather than at collection.

**Ids.** schemathesis names each item ``test_x[GET /v1/products/{productId}]``, but pytest
9.2 builds a node id from a function's *original* name, so every operation of a test got the
same id (``test_x``): the progress counter stopped at the first operation's share, JUnit
listed the same name 123 times and no operation could be selected by its id.
:func:`one_id_per_operation` makes the items again with their name as their id, through
pytest's public ``from_parent``; ids that are already distinct are left alone.

**Deferred cases.** schemathesis builds an operation's hypothesis test, and with it every
coverage-phase case, while collecting: three quarters of the suite's collection, paid again
by every pytest-xdist worker although each runs only its share of the operations.
:class:`DeferredCases` collects the same items with a stand-in that builds the very same test
(``build_operation_test``, same settings, seed and feedback) on its first call. It relies on
schemathesis internals (``SchemathesisCase``), which ``pyproject.toml`` pins to one version;
``tests/contract`` checks that the cases are the same.

**Method probes, once per path.** The coverage phase also sends each path the methods it does
not declare (``PATCH /v1/me``), once per path: schemathesis gives the probes to whichever
operation of the path is built first in the process. Under pytest-xdist that depends on how
the operations were spread over the workers, so a path was probed once or twice and two runs
with the same seed counted different cases. :func:`own_method_probes` gives each path's probes
to one operation chosen from the spec alone (the first of the path's selected operations by
method name), whatever process builds it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Generator
from typing import Any

import pytest
from schemathesis.core.result import Ok
from schemathesis.pytest.plugin import SchemathesisCase


def one_id_per_operation(items: list[pytest.Item]) -> None:
    """Give every schemathesis item of ``items`` the id ``<test>[<METHOD> <path>]``, in place."""
    for index, item in enumerate(items):
        label = getattr(item, "operation_label", None)
        if label is None or item.nodeid.endswith(f"[{label}]"):
            continue
        items[index] = _renamed(item)


def _renamed(item: Any) -> pytest.Item:
    # SchemathesisFunction: its extra fields are what the schemathesis plugin reads back
    renamed: pytest.Item = type(item).from_parent(
        item.parent,
        name=item.name,
        callobj=item.obj,
        test_func=item.test_function,
        test_name=item.test_name,
        operation_label=item.operation_label,
        operation_tags=item.operation_tags,
    )
    renamed.own_markers = list(item.own_markers)
    return renamed


def _built_on_first_call(build: Callable[[], Callable[..., Any]], test: Callable[..., Any]) -> Any:
    """A stand-in for the hypothesis test ``build()`` returns, with its signature (the test's
    fixtures, without ``case``), that builds it when first called."""
    built: Callable[..., Any] | None = None

    @functools.wraps(test)
    def deferred(*args: Any, **kwargs: Any) -> Any:
        nonlocal built
        if built is None:
            built = build()
            # the marks schemathesis' pytest plugin reads from the item's function afterwards
            vars(deferred).update({k: v for k, v in vars(built).items() if k != "__wrapped__"})
        return built(*args, **kwargs)

    signature = inspect.signature(test)
    fixtures = [p for name, p in signature.parameters.items() if name != "case"]
    deferred.__signature__ = signature.replace(parameters=fixtures)  # type: ignore[attr-defined]
    return deferred


#: Every method the coverage phase may probe a path with.
_PROBE_METHODS = ("delete", "get", "head", "options", "patch", "post", "put", "query", "trace")
#: id(schema) -> {path: the label of the operation that owns the path's method probes}
_PROBE_OWNERS: dict[int, dict[str, str]] = {}


def _probe_owners(schema: Any) -> dict[str, str]:
    owners = _PROBE_OWNERS.get(id(schema))
    if owners is None:
        by_path: dict[str, list[Any]] = {}
        for result in schema.get_all_operations():
            if isinstance(result, Ok):
                operation = result.ok()
                by_path.setdefault(operation.path, []).append(operation)
        owners = {
            path: min(operations, key=lambda op: op.method.upper()).label
            for path, operations in by_path.items()
        }
        _PROBE_OWNERS[id(schema)] = owners
    return owners


def own_method_probes(schema: Any, operation: Any) -> None:
    """Before ``operation``'s cases are built: let it send its path's method probes if it
    owns them, and mark them sent if another operation does."""
    seen: set[tuple[str, str]] = operation.schema.coverage_unexpected_methods_seen
    keys = {(operation.path, method) for method in _PROBE_METHODS}
    if _probe_owners(schema).get(operation.path) == operation.label:
        seen.difference_update(keys)
    else:
        seen.update(keys)


class DeferredCases(SchemathesisCase):
    """schemathesis' collector, with each operation's test built when it first runs."""

    def _gen_items(self, result: Any, feedback: Any) -> Generator[Any, None, None]:
        from schemathesis.checks import load_all_checks
        from schemathesis.pytest._test_builder import build_operation_test

        if not isinstance(result, Ok) or self.is_invalid_test:
            yield from super()._gen_items(result, feedback)
            return
        load_all_checks()
        operation = result.ok()
        schema = self.schema

        def build() -> Callable[..., Any]:
            own_method_probes(schema, operation)
            return build_operation_test(
                config=schema.config,
                operation=operation,
                test_func=self.test_function,
                given_kwargs=self.given_kwargs,
                feedback=feedback,
            )

        funcobj = _built_on_first_call(build, self.test_function)
        name = self._get_test_name(operation)
        yield from self._make_items(funcobj, name, operation.label, operation.tags)


def defer_cases(outcome: Any, collector: pytest.Collector, name: str, obj: object) -> None:
    """In a ``pytest_pycollect_makeitem`` wrapper: swap schemathesis' collector for
    :class:`DeferredCases`."""
    made = outcome.get_result()
    if type(made) is SchemathesisCase:
        outcome.force_result(
            DeferredCases.from_parent(collector, test_function=obj, name=name, schema=made.schema)
        )
