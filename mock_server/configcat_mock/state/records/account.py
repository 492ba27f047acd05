"""Users, organizations, memberships, permission groups and invitations."""

from __future__ import annotations

from typing import Any

import attrs

from configcat_mock.state import passwords
from configcat_mock.state.records.changes import noted


@attrs.define(on_setattr=noted)
class User:
    """A person; ``username``/``password`` are their Public API credentials.

    ``password`` holds a hash (:mod:`configcat_mock.state.passwords`); one given in plain text is
    hashed here, so no record, dump or journal ever holds it."""

    user_id: str
    email: str
    full_name: str
    username: str
    password: str
    two_factor_enabled: bool = False

    def __attrs_post_init__(self) -> None:
        if isinstance(self.password, str) and isinstance(self.user_id, str):
            self.password = passwords.hashed(self.password, self.user_id)


@attrs.define(on_setattr=noted)
class Organization:
    organization_id: str
    name: str
    created_at: str = ""


@attrs.define(on_setattr=noted)
class Membership:
    """A user's seat in an organization."""

    organization_id: str
    user_id: str
    is_admin: bool = False
    is_billing_manager: bool = False


@attrs.define(on_setattr=noted)
class PermissionGroup:
    """A product's permission group; ``permissions`` holds the spec's boolean/enum flags."""

    permission_group_id: int
    product_id: str
    name: str
    permissions: dict[str, Any] = attrs.field(factory=dict)
    environment_accesses: list[dict[str, Any]] = attrs.field(factory=list)


@attrs.define(on_setattr=noted)
class ProductMember:
    product_id: str
    user_id: str
    permission_group_id: int


@attrs.define(on_setattr=noted)
class Invitation:
    invitation_id: str
    product_id: str
    email: str
    permission_group_id: int
    created_at: str
    expires: str
