"""Which change of a plan waits for which: the order that matters, and only that.

A plan lists its changes in an order that is always safe one at a time. With several writes
in flight (``concurrency=`` of apply, promote and bulk edits) a change may start as soon as
every earlier change it needs is done: a flag needs its config and tags to exist, a value
needs its flag (and the flag's predefined variations), its environment, the segments and the
prerequisite flags it names. The product's preferences and the deletes wait for everything
before them, one by one, as the plan orders them: a preference such as a required reason
must not change the rules for writes still to come. Otherwise the reasons are ids: a write
cannot name what has no id yet.

Over a link with latency, one write at a time cannot keep up with the rate limits (about 20
requests a second per endpoint): with ``concurrency=N`` up to N writes are in flight, and
the client's limiter still paces each endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from configcat_publicapi.workflows.plan import Change, prerequisite_keys

Key = tuple[str, ...]


def _segments(value: Mapping[str, Any]) -> Iterator[str]:
    for rule in value.get("targetingRules") or []:
        for cond in rule.get("conditions") or []:
            if "segmentCondition" in cond:
                yield cond["segmentCondition"]["segment"]
    for rule in value.get("rolloutRules") or []:
        if "segment" in rule:
            yield rule["segment"]


def provides(change: Change) -> Key:
    """What a change makes (or changes the ids of) that later changes may need."""
    if change.kind in ("setting", "variations"):
        return ("setting", str(change.config), change.name)
    if change.kind == "value":
        return ("value", str(change.config), change.name, str(change.environment))
    return (change.kind, change.name)


def needs(change: Change) -> set[Key]:
    """What must exist, as the plan leaves it, before ``change`` can be written."""
    after = change.after if isinstance(change.after, Mapping) else {}
    config = str(change.config)
    if change.kind == "setting":
        tags = {("tag", t) for t in after.get("tags") or []}
        return tags | {("config", config), ("setting", config, change.name)}
    if change.kind == "variations":
        return {("setting", config, change.name)}
    if change.kind == "value":
        out: set[Key] = {
            ("setting", config, change.name),
            ("environment", str(change.environment)),
        }
        out |= {("segment", s) for s in _segments(after)}
        out |= {("setting", config, key) for key in prerequisite_keys(after)}
        return out
    return {provides(change)}


def dependencies(changes: Sequence[Change]) -> list[set[int]]:
    """For each change, the indexes of the earlier changes it waits for."""
    makers: dict[Key, list[int]] = {}
    out: list[set[int]] = []
    for i, change in enumerate(changes):
        if change.action == "delete" or change.kind == "preferences":
            out.append(set(range(i)))
        else:
            out.append({j for key in needs(change) for j in makers.get(key, ())})
        makers.setdefault(provides(change), []).append(i)
    return out
