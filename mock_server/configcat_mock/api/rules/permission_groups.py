"""Permission groups: the full-access permission set and a new product's default group."""

from __future__ import annotations

from typing import Any

from configcat_mock.state import records
from configcat_mock.state.backend import Backend

FULL_ACCESS: dict[str, Any] = {
    **dict.fromkeys(
        (
            "canManageMembers",
            "canCreateOrUpdateConfig",
            "canDeleteConfig",
            "canCreateOrUpdateEnvironment",
            "canDeleteEnvironment",
            "canCreateOrUpdateSetting",
            "canTagSetting",
            "canDeleteSetting",
            "canCreateOrUpdateTag",
            "canDeleteTag",
            "canManageWebhook",
            "canUseExportImport",
            "canManageProductPreferences",
            "canManageIntegrations",
            "canViewSdkKey",
            "canRotateSdkKey",
            "canCreateOrUpdateSegments",
            "canDeleteSegments",
            "canViewProductAuditLog",
            "canViewProductStatistics",
            "canDisable2FA",
        ),
        True,
    ),
    "accessType": "full",
    "newEnvironmentAccessType": "full",
    "approvalPermissionType": "canBypassApproval",
    "newEnvironmentApprovalPermissionType": "canBypassApproval",
}


def add_default_group(backend: Backend, product: records.Product, owner: records.User) -> None:
    """A new product gets an "Administrators" group holding its creator, like the service."""
    group = backend.permission_groups.add(
        records.PermissionGroup(
            backend.next_id("permission_group"),
            product.product_id,
            "Administrators",
            dict(FULL_ACCESS),
        )
    )
    backend.product_members.add(
        records.ProductMember(product.product_id, owner.user_id, group.permission_group_id)
    )
