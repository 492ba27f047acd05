"""Enum values an answer carries that this client's spec does not know yet.

A newer service adds values to its enums (audit-log types above all) before this client is
regenerated. Parsing such an answer must not fail, so the models read string enums with
``TheEnum.from_service(value)``: a known value gives the member, an unknown one a
pseudo-member, an instance of the enum whose ``value`` (and ``str``) is the raw string, kept
as it came and written back by ``to_dict``. It is not one of the enum's members:
``TheEnum(value)`` still raises ``ValueError``, so requests can only send known values, and
``configcat_publicapi.is_known(member)`` tells the two apart. Each new (enum, value) is logged
once, at WARNING on the ``configcat_publicapi`` logger.

Copied into the generated package by ``spec/generate.py``; written by hand, as the enum
template needs one place that keeps the pseudo-members.
"""

from __future__ import annotations

import logging
import threading
from enum import Enum
from typing import Any, TypeVar, cast

E = TypeVar("E", bound=Enum)

#: The overlay's logger (``configcat_publicapi._constants.LOGGER_NAME``).
logger = logging.getLogger("configcat_publicapi")

_pseudo_members: dict[tuple[type[Enum], Any], Enum] = {}
_lock = threading.Lock()


def member_or_unknown(cls: type[E], value: Any) -> E:
    """``cls(value)``, or the pseudo-member of ``cls`` for a string it does not know."""
    try:
        return cls(value)
    except ValueError:
        if not isinstance(value, str):
            raise
    key = (cls, value)
    with _lock:
        member = _pseudo_members.get(key)
        if member is None:
            member = _pseudo_member(cls, value)
            _pseudo_members[key] = member
            logger.warning(
                "%s %r is not a value this client knows (a newer service?); it is kept as it "
                "came. Regenerating the client from a newer spec makes it a member.",
                cls.__name__,
                value,
            )
    return member  # type: ignore[return-value]


def _pseudo_member(cls: type[E], value: str) -> E:
    # an instance of the enum built as the string it subclasses, outside its members
    member = cast(E, str.__new__(cast(type[str], cls), value))
    member._name_ = value
    member._value_ = value
    return member
