"""Permission groups that matter: what a member who is not an organization admin may change.

Off by default (``MockConfigCat(enforce_permissions=True)``, ``configcat-mock serve
--enforce-permissions``): the spec documents 403 only on selecting proxy-profile SDK keys, so
the default mock answers only what the spec documents. When on, a write to a product's
resources by a member who is not an admin of its organization needs:

- a seat in the product (a permission group); without one, 403;
- the group's flag for the operation (:data:`REQUIRED_FLAG`, e.g. ``canDeleteSetting``);
- for setting values, full access to the environment: ``accessType`` ``full``, or ``custom``
  with the environment's ``environmentAccessType`` (``newEnvironmentAccessType`` for
  environments the group does not list) ``full``.

Reads are not restricted, and organization-level operations (products, proxy profiles,
members) keep the admin-free behaviour of the default mock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from configcat_mock.errors import Forbidden
from configcat_mock.state.backend import Backend
from configcat_mock.state.records import User

#: Operation id -> the permission group flag it needs.
REQUIRED_FLAG: dict[str, str] = {
    "create-config": "canCreateOrUpdateConfig",
    "update-config": "canCreateOrUpdateConfig",
    "delete-config": "canDeleteConfig",
    "create-environment": "canCreateOrUpdateEnvironment",
    "update-environment": "canCreateOrUpdateEnvironment",
    "delete-environment": "canDeleteEnvironment",
    "create-setting": "canCreateOrUpdateSetting",
    "update-setting": "canCreateOrUpdateSetting",
    "replace-setting": "canCreateOrUpdateSetting",
    "update-predefined-variations": "canCreateOrUpdateSetting",
    "delete-setting": "canDeleteSetting",
    "create-tag": "canCreateOrUpdateTag",
    "update-tag": "canCreateOrUpdateTag",
    "delete-tag": "canDeleteTag",
    "create-segment": "canCreateOrUpdateSegments",
    "update-segment": "canCreateOrUpdateSegments",
    "delete-segment": "canDeleteSegments",
    "create-webhook": "canManageWebhook",
    "update-webhook": "canManageWebhook",
    "replace-webhook": "canManageWebhook",
    "delete-webhook": "canManageWebhook",
    "create-integration": "canManageIntegrations",
    "update-integration": "canManageIntegrations",
    "delete-integration": "canManageIntegrations",
    "update-product-preferences": "canManageProductPreferences",
    "create-permission-group": "canManageMembers",
    "update-permission-group": "canManageMembers",
    "delete-permission-group": "canManageMembers",
    "invite-member": "canManageMembers",
    "delete-product-member": "canManageMembers",
    "delete-invitation": "canManageMembers",
}

#: Operations that change setting values: they need full access to the environment.
VALUE_WRITES = frozenset(
    {
        "update-setting-value",
        "replace-setting-value",
        "update-setting-value-v2",
        "replace-setting-value-v2",
        "update-setting-value-by-sdkkey",
        "replace-setting-value-by-sdkkey",
        "update-setting-value-by-sdkkey-v2",
        "replace-setting-value-by-sdkkey-v2",
        "post-setting-values",
        "post-setting-values-v2",
    }
)

#: Path parameter -> (table, field holding the product id); resolved in this order.
_OWNERS = (
    ("productId", "products", "product_id"),
    ("environmentId", "environments", "product_id"),
    ("configId", "configs", "product_id"),
    ("tagId", "tags", "product_id"),
    ("segmentId", "segments", "product_id"),
    ("integrationId", "integrations", "product_id"),
    ("permissionGroupId", "permission_groups", "product_id"),
    ("invitationId", "invitations", "product_id"),
)


def _target(
    backend: Backend, path: Mapping[str, Any], headers: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """The product and environment a request names, where they exist (else ``None``)."""
    env_id = path.get("environmentId")
    if "webhookId" in path and (hook := backend.webhooks.get(path["webhookId"])):
        env_id = hook.environment_id
        path = {**path, "configId": hook.config_id}
    sdk_key = headers.get("X-CONFIGCAT-SDKKEY") if "settingKeyOrId" in path else None
    if sdk_key:  # without one the handler answers 404
        key = backend.sdk_keys.first("sdk_key", sdk_key)
        if key is not None:
            env_id = key.environment_id
            path = {**path, "configId": key.config_id}
    setting = backend.settings.get(path["settingId"]) if "settingId" in path else None
    if setting is not None and "configId" not in path:
        path = {**path, "configId": setting.config_id}
    for name, table, field in _OWNERS:
        if name in path and (row := getattr(backend, table).get(path[name])):
            return getattr(row, field), env_id
    return None, env_id


def _environment_access(group: Any, environment_id: str | None) -> str:
    access = group.permissions.get("accessType") or "readOnly"
    if access != "custom":
        return str(access)
    for item in group.environment_accesses:
        if item.get("environmentId") == environment_id:
            return str(item.get("environmentAccessType") or "none")
    return str(group.permissions.get("newEnvironmentAccessType") or "none")


def check(
    backend: Backend,
    user: User,
    operation_id: str,
    path: Mapping[str, Any],
    headers: Mapping[str, Any],
) -> None:
    """Raise :class:`Forbidden` when ``user``'s permission group does not allow the call."""
    flag = REQUIRED_FLAG.get(operation_id)
    if flag is None and operation_id not in VALUE_WRITES:
        return
    product_id, environment_id = _target(backend, path, headers)
    product = backend.products.get(product_id) if product_id else None
    if product is None:
        return  # the handler answers 404
    membership = backend.memberships.get((product.organization_id, user.user_id))
    if membership is None or membership.is_admin:
        return  # another organization's product: 404 from the handler; admins may do anything
    seat = backend.product_members.get((product.product_id, user.user_id))
    group = backend.permission_groups.get(seat.permission_group_id) if seat else None
    if group is None:
        raise Forbidden({"message": "You are not a member of this product."})
    if flag is not None and not group.permissions.get(flag):
        raise Forbidden({"message": f"Your permission group does not allow this ({flag})."})
    if operation_id in VALUE_WRITES and _environment_access(group, environment_id) != "full":
        raise Forbidden(
            {"message": "Your permission group has no write access to this environment."}
        )
