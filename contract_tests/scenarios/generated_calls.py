"""Call a generated endpoint function with plain JSON: bodies are built into the generated
models, answers come back as ``(status, json)`` and 2xx answers must parse into the models."""

from __future__ import annotations

import json
import typing
from types import ModuleType
from typing import Any

from configcat_publicapi import ConfigCatClient


def _build(hint: Any, data: Any) -> Any:
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        return [_build(item, x) for x in data]
    if not hasattr(hint, "from_dict"):  # ``Model | Unset``
        hint = next(a for a in typing.get_args(hint) if hasattr(a, "from_dict"))
    return hint.from_dict(data)


class Gen:
    """``gen(module, *path_args, body=..., **query)`` against one overlay client."""

    def __init__(self, cc: ConfigCatClient) -> None:
        self.cc = cc

    def __call__(
        self, module: ModuleType, *args: Any, body: Any = None, expect: int | None = None, **kw: Any
    ) -> Any:
        fn = module.sync_detailed
        if body is not None:
            kw["body"] = _build(typing.get_type_hints(fn)["body"], body)
        response = fn(*args, client=self.cc.api, **kw)
        status = int(response.status_code)
        if expect is not None:
            assert status == expect, f"{module.__name__}: {status} {response.content[:300]!r}"
        if 200 <= status < 300 and response.content:
            assert response.parsed is not None, f"{module.__name__}: answer did not parse"
        return json.loads(response.content) if response.content else None
