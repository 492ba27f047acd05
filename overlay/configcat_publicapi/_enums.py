"""``is_known``: whether an enum value of an answer is one this client's spec knows.

Answers of a newer service may carry enum values the pinned spec does not have; the models
keep them as pseudo-members (see ``configcat_publicapi_client._unknown_values``), instances
of the enum whose ``value`` is the raw string. ``value in TheEnum`` cannot tell them apart on
every Python version (3.12 answers ``True`` for any instance), this can.
"""

from __future__ import annotations

from enum import Enum


def is_known(value: Enum) -> bool:
    """``True`` for a member of its enum, ``False`` for a value kept from a newer service."""
    return type(value)._member_map_.get(value._name_) is value
