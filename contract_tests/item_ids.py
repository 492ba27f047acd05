"""One distinct, readable pytest id per operation for tests made by ``schema.parametrize()``.

schemathesis names each item ``test_x[GET /v1/products/{productId}]``, but pytest 9.2 builds
a node id from a function's *original* name, so every operation of a test got the same id
(``test_x``): the progress counter stopped at the first operation's share, JUnit listed the
same name 123 times and no operation could be selected by its id. The items are made again
here with the name as their id, through pytest's public ``from_parent``; ids that are
already distinct (other pytest versions) are left alone.
"""

from __future__ import annotations

from typing import Any

import pytest


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
