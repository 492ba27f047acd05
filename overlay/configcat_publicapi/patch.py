"""Builders for the JSON Patch (RFC 6902) bodies the PATCH operations take.

>>> from configcat_publicapi.patch import SettingPatch
>>> ops = SettingPatch().name("Checkout v2").add_tag(7).build()

Each builder returns ``list[JsonPatchOperation]`` (the generated model) from ``build()``, and
can also be passed as it is wherever the overlay takes a patch. :func:`diff` and
:func:`patch_for` turn "this model, changed like so" into a patch with the ``jsonpatch``
library.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from configcat_publicapi_client.models.json_patch_operation import JsonPatchOperation

__all__ = [
    "JsonPatch",
    "SettingPatch",
    "SettingValuePatch",
    "SettingValueV2Patch",
    "WebhookPatch",
    "diff",
    "patch_for",
]


def _plain(value: Any) -> Any:
    """Generated models become their JSON dicts; lists and dicts are converted deeply."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _pointer(*parts: object) -> str:
    """A JSON Pointer from its parts, escaping ``~`` and ``/`` (RFC 6901)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _operations(raw: Sequence[Mapping[str, Any]]) -> list[JsonPatchOperation]:
    from configcat_publicapi_client.models.json_patch_operation import JsonPatchOperation

    return [JsonPatchOperation.from_dict(dict(op)) for op in raw]


class JsonPatch:
    """A general JSON Patch; the resource-specific builders below add named steps."""

    def __init__(self) -> None:
        self._ops: list[dict[str, Any]] = []

    def _add(self, op: str, path: str, **fields: Any) -> Self:
        self._ops.append({"op": op, "path": path, **fields})
        return self

    def add(self, path: str, value: Any) -> Self:
        """Add ``value`` at ``path`` (``/-`` appends to a list)."""
        return self._add("add", path, value=_plain(value))

    def replace(self, path: str, value: Any) -> Self:
        """Replace the value at ``path``."""
        return self._add("replace", path, value=_plain(value))

    def remove(self, path: str) -> Self:
        """Remove the value at ``path``."""
        return self._add("remove", path)

    def move(self, from_: str, path: str) -> Self:
        """Move the value at ``from_`` to ``path``."""
        return self._add("move", path, **{"from": from_})

    def copy(self, from_: str, path: str) -> Self:
        """Copy the value at ``from_`` to ``path``."""
        return self._add("copy", path, **{"from": from_})

    def test(self, path: str, value: Any) -> Self:
        """Fail the whole patch unless the value at ``path`` equals ``value``."""
        return self._add("test", path, value=_plain(value))

    def to_json(self) -> list[dict[str, Any]]:
        """The operations as plain JSON objects."""
        return [dict(op) for op in self._ops]

    def build(self) -> list[JsonPatchOperation]:
        """The operations as generated ``JsonPatchOperation`` models."""
        return _operations(self._ops)

    def __iter__(self) -> Iterator[JsonPatchOperation]:
        return iter(self.build())

    def __len__(self) -> int:
        return len(self._ops)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._ops!r})"


class SettingPatch(JsonPatch):
    """``update-setting``: a flag's name, hint, order and tags."""

    def name(self, name: str) -> Self:
        """Rename the flag."""
        return self.replace("/name", name)

    def hint(self, hint: str | None) -> Self:
        """Set the flag's hint (``None`` clears it)."""
        return self.replace("/hint", hint)

    def order(self, order: int) -> Self:
        """Set the flag's position in its config."""
        return self.replace("/order", order)

    def add_tag(self, tag_id: int) -> Self:
        """Attach an existing tag by id."""
        return self.add("/tags/-", tag_id)

    def remove_tag(self, tag_id: int, current_tag_ids: Sequence[int]) -> Self:
        """Detach a tag. JSON Patch removes by position, so give the flag's current tag ids;
        a ``test`` step makes the service refuse the patch if the list changed meanwhile."""
        remaining = [int(t) for t in current_tag_ids]
        for op in self._ops:  # earlier removals in this patch shift the positions
            if op["op"] == "remove" and op["path"].startswith("/tags/"):
                del remaining[int(op["path"].rsplit("/", 1)[1])]
        if tag_id not in remaining:
            raise ValueError(f"tag {tag_id} is not among the flag's tags {remaining}")
        index = remaining.index(tag_id)
        return self.test(_pointer("tags", index), tag_id).remove(_pointer("tags", index))


class SettingValuePatch(JsonPatch):
    """``update-setting-value`` (v1): value, rollout (targeting) rules, percentage rules."""

    def value(self, value: bool | str | int | float) -> Self:
        """Set the served value."""
        return self.replace("/value", value)

    def add_rollout_rule(self, rule: Any) -> Self:
        """Append a rollout (targeting) rule."""
        return self.add("/rolloutRules/-", rule)

    def remove_rollout_rule(self, index: int) -> Self:
        """Remove the rollout rule at ``index``."""
        return self.remove(_pointer("rolloutRules", index))

    def move_rollout_rule(self, from_index: int, to_index: int) -> Self:
        """Move a rollout rule from one position to another."""
        return self.move(_pointer("rolloutRules", from_index), _pointer("rolloutRules", to_index))

    def percentage_rules(self, items: Sequence[Any]) -> Self:
        """Replace the percentage rules."""
        return self.replace("/rolloutPercentageItems", list(items))


def _typed_value(value: bool | str | int | float) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, int):
        return {"intValue": value}
    if isinstance(value, float):
        return {"doubleValue": value}
    raise TypeError(f"a flag value is bool, str, int or float, not {type(value).__name__}")


class SettingValueV2Patch(JsonPatch):
    """``update-setting-value-v2``: default value, targeting rules, percentage attribute."""

    def default_value(self, value: bool | str | int | float) -> Self:
        """Set the value served when no targeting rule matches."""
        return self.replace("/defaultValue", _typed_value(value))

    def add_targeting_rule(self, rule: Any) -> Self:
        """Append a targeting rule."""
        return self.add("/targetingRules/-", rule)

    def remove_targeting_rule(self, index: int) -> Self:
        """Remove the targeting rule at ``index``."""
        return self.remove(_pointer("targetingRules", index))

    def move_targeting_rule(self, from_index: int, to_index: int) -> Self:
        """Move a targeting rule from one position to another."""
        return self.move(
            _pointer("targetingRules", from_index), _pointer("targetingRules", to_index)
        )

    def targeting_rule_value(self, index: int, value: bool | str | int | float) -> Self:
        """Set the value the targeting rule at ``index`` serves."""
        return self.replace(_pointer("targetingRules", index, "value"), _typed_value(value))

    def percentage_evaluation_attribute(self, attribute: str | None) -> Self:
        """Set the user attribute percentage options are evaluated on (``None``: the identifier)."""
        return self.replace("/percentageEvaluationAttribute", attribute)


class WebhookPatch(JsonPatch):
    """``update-webhook``: URL, method, content and headers."""

    def url(self, url: str) -> Self:
        """Set the URL the webhook calls."""
        return self.replace("/url", url)

    def http_method(self, method: str) -> Self:
        """Set the HTTP method the webhook calls with."""
        return self.replace("/httpMethod", method.lower())

    def content(self, content: str | None) -> Self:
        """Set the body the webhook sends (``None`` clears it)."""
        return self.replace("/content", content)

    def add_header(self, key: str, value: str, *, is_secure: bool = False) -> Self:
        """Append a header; ``is_secure`` hides its value on the dashboard."""
        return self.add("/webHookHeaders/-", {"key": key, "value": value, "isSecure": is_secure})

    def remove_header(self, index: int) -> Self:
        """Remove the header at ``index``."""
        return self.remove(_pointer("webHookHeaders", index))


def diff(before: Any, after: Any) -> list[JsonPatchOperation]:
    """The JSON Patch that turns ``before`` into ``after`` (models or JSON dicts)."""
    import jsonpatch

    ops = jsonpatch.make_patch(_plain(before), _plain(after)).patch
    return _operations(ops)


def patch_for(model: Any, **changes: Any) -> list[JsonPatchOperation]:
    """The patch for ``model`` with the given attributes (Python names) changed.

    >>> patch_for(setting, name="Checkout v2", hint=None)  # doctest: +SKIP
    """
    import attrs

    return diff(model, attrs.evolve(model, **changes))
