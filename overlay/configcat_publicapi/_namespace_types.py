"""Static types of the namespaces: which model each operation returns, for mypy and pyright.

Type checkers read this module; the running code never imports it (``_client`` imports it
under ``TYPE_CHECKING``), so the namespaces stay the lazy, discovered ones of
:mod:`configcat_publicapi._operations`. The generated functions cannot give these types
themselves: they return ``Any | Model | None`` because of the documented error statuses, while
an overlay call returns the model or raises. One line per operation, checked against the
generated package by ``tests/overlay/test_overlay_typing.py`` (same names, same models).
Arguments stay untyped: the generated signatures all require the ``client`` keyword.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, overload

from configcat_publicapi._operations import AsyncOperation, Operation, OpT, _NamespaceBase
from configcat_publicapi_client import models as m

R = TypeVar("R")


class Op(Generic[R]):
    """An operation returning ``R``: synchronous on a client's namespace, awaitable on an
    async client's."""

    @overload
    def __get__(self, obj: _NamespaceBase[Operation[Any]], owner: type) -> Operation[R]: ...
    @overload
    def __get__(
        self, obj: _NamespaceBase[AsyncOperation[Any]], owner: type
    ) -> AsyncOperation[R]: ...
    def __get__(self, obj: object, owner: type) -> Operation[R] | AsyncOperation[R]:
        raise TypeError("namespace types are for type checkers; use a client's namespace")


class AuditLogsNamespace(_NamespaceBase[OpT]):
    """``cc.audit_logs``."""

    get_auditlogs = Op[list[m.AuditLogItemModel]]()
    get_auditlogs_v2 = Op[m.AuditLogItemModelPagedList]()
    get_deleted_settings = Op[list[m.DeletedSettingModel]]()
    get_organization_auditlogs = Op[list[m.AuditLogItemModel]]()
    get_organization_auditlogs_v2 = Op[m.AuditLogItemModelPagedList]()


class ChangeRequestsNamespace(_NamespaceBase[OpT]):
    """``cc.change_requests``."""

    add_change_request_comment = Op[m.ChangeRequestCommentModel]()
    apply_change_request = Op[m.ChangeRequestModel]()
    approve_change_request = Op[m.ChangeRequestModel]()
    claim_change_request_ownership = Op[m.ChangeRequestModel]()
    close_change_request = Op[m.ChangeRequestModel]()
    create_change_request = Op[m.ChangeRequestModel]()
    delete_change_request_comment = Op[None]()
    delete_change_request_proposed_change = Op[m.ChangeRequestModel]()
    get_change_request = Op[m.ChangeRequestModel]()
    get_change_request_proposed_changes = Op[m.ChangeRequestProposedChangesModel]()
    get_change_requests = Op[m.ChangeRequestsModel]()
    remove_change_request_approval = Op[m.ChangeRequestModel]()
    resolve_change_request_setting_conflicts = Op[m.ChangeRequestModel]()
    update_change_request = Op[m.ChangeRequestModel]()
    update_change_request_comment = Op[m.ChangeRequestCommentModel]()
    update_change_request_proposed_changes = Op[m.ChangeRequestModel]()


class CodeReferencesNamespace(_NamespaceBase[OpT]):
    """``cc.code_references``."""

    delete_code_reference_reports = Op[None]()
    get_code_references = Op[list[m.CodeReferenceModel]]()
    upload_code_references = Op[None]()


class ConfigsNamespace(_NamespaceBase[OpT]):
    """``cc.configs``."""

    create_config = Op[m.ConfigModel]()
    delete_config = Op[None]()
    get_config = Op[m.ConfigModel]()
    get_configs = Op[list[m.ConfigModel]]()
    update_config = Op[m.ConfigModel]()


class EnvironmentsNamespace(_NamespaceBase[OpT]):
    """``cc.environments``."""

    create_environment = Op[m.EnvironmentModel]()
    delete_environment = Op[None]()
    get_environment = Op[m.EnvironmentModel]()
    get_environments = Op[list[m.EnvironmentModel]]()
    update_environment = Op[m.EnvironmentModel]()


class SettingsNamespace(_NamespaceBase[OpT]):
    """``cc.flags``, ``cc.settings``."""

    create_setting = Op[m.SettingModel]()
    delete_setting = Op[None]()
    get_predefined_variations = Op[m.PredefinedVariationsWithUsagesModel]()
    get_setting = Op[m.SettingModel]()
    get_settings = Op[list[m.SettingModel]]()
    replace_setting = Op[m.SettingModel]()
    update_predefined_variations = Op[m.PredefinedVariationsModel]()
    update_setting = Op[m.SettingModel]()


class IntegrationLinksNamespace(_NamespaceBase[OpT]):
    """``cc.integration_links``."""

    add_or_update_integration_link = Op[m.IntegrationLinkModel]()
    delete_integration_link = Op[m.DeleteIntegrationLinkModel]()
    get_integration_link_details = Op[m.IntegrationLinkDetailsModel]()
    jira_add_or_update_integration_link = Op[m.IntegrationLinkModel]()
    jira_connect = Op[None]()


class IntegrationsNamespace(_NamespaceBase[OpT]):
    """``cc.integrations``."""

    create_integration = Op[m.IntegrationModel]()
    delete_integration = Op[None]()
    get_integration = Op[m.IntegrationModel]()
    get_integrations = Op[m.IntegrationsModel]()
    update_integration = Op[m.IntegrationModel]()


class MeNamespace(_NamespaceBase[OpT]):
    """``cc.me``."""

    get_me = Op[m.MeModel]()


class MembersNamespace(_NamespaceBase[OpT]):
    """``cc.members``."""

    add_member_to_group = Op[None]()
    delete_invitation = Op[None]()
    delete_organization_member = Op[None]()
    delete_product_member = Op[None]()
    get_organization_members = Op[list[m.UserModel]]()
    get_organization_members_v2 = Op[m.OrganizationMembersModel]()
    get_pending_invitations = Op[list[m.InvitationModel]]()
    get_pending_invitations_org = Op[list[m.OrganizationInvitationModel]]()
    get_product_members = Op[list[m.MemberModel]]()
    invite_member = Op[None]()


class OrganizationsNamespace(_NamespaceBase[OpT]):
    """``cc.organizations``."""

    get_organization_limitations = Op[m.OrganizationLimitations]()
    get_organizations = Op[list[m.OrganizationModel]]()


class PermissionGroupsNamespace(_NamespaceBase[OpT]):
    """``cc.permission_groups``."""

    create_permission_group = Op[m.PermissionGroupModel]()
    delete_permission_group = Op[None]()
    get_permission_group = Op[m.PermissionGroupModel]()
    get_permission_groups = Op[list[m.PermissionGroupModel]]()
    update_permission_group = Op[m.PermissionGroupModel]()


class ProductsNamespace(_NamespaceBase[OpT]):
    """``cc.products``."""

    create_product = Op[m.ProductModel]()
    delete_product = Op[None]()
    get_product = Op[m.ProductModel]()
    get_product_preferences = Op[m.PreferencesModel]()
    get_products = Op[list[m.ProductModel]]()
    update_product = Op[m.ProductModel]()
    update_product_preferences = Op[m.PreferencesModel]()


class ProxyProfilesNamespace(_NamespaceBase[OpT]):
    """``cc.proxy_profiles``."""

    create_proxy_profile = Op[m.ProxyProfileModel]()
    delete_proxy_profile = Op[None]()
    deselect_proxy_profile_sdk_keys = Op[m.ProxyProfileSdkKeysListModel]()
    generate_proxy_profile_secret = Op[m.ProxyProfileSecretModel]()
    get_proxy_profile = Op[m.ProxyProfileModel]()
    get_proxy_profile_sdk_keys = Op[m.ProxyProfileSdkKeysListModel]()
    get_proxy_profiles = Op[m.ProxyProfileListModel]()
    replace_proxy_profile = Op[m.ProxyProfileModel]()
    select_proxy_profile_sdk_keys = Op[m.ProxyProfileSdkKeysListModel]()
    update_proxy_profile = Op[m.ProxyProfileModel]()


class SdkKeyValuesNamespace(_NamespaceBase[OpT]):
    """``cc.sdk_key_values``."""

    get_setting_value_by_sdkkey = Op[m.SettingValueModel]()
    replace_setting_value_by_sdkkey = Op[m.SettingValueModel]()
    update_setting_value_by_sdkkey = Op[m.SettingValueModel]()


class SdkKeyValuesV2Namespace(_NamespaceBase[OpT]):
    """``cc.sdk_key_values_v2``."""

    get_setting_value_by_sdkkey_v2 = Op[m.SettingFormulaModel]()
    replace_setting_value_by_sdkkey_v2 = Op[m.SettingFormulaModel]()
    update_setting_value_by_sdkkey_v2 = Op[m.SettingFormulaModel]()


class SdkKeysNamespace(_NamespaceBase[OpT]):
    """``cc.sdk_keys``."""

    get_sdk_keys = Op[m.SdkKeysModel]()


class SegmentsNamespace(_NamespaceBase[OpT]):
    """``cc.segments``."""

    create_segment = Op[m.SegmentModel]()
    delete_segment = Op[None]()
    get_segment = Op[m.SegmentModel]()
    get_segments = Op[list[m.SegmentListModel]]()
    update_segment = Op[m.SegmentModel]()


class SettingValuesNamespace(_NamespaceBase[OpT]):
    """``cc.setting_values``."""

    get_setting_value = Op[m.SettingValueModel]()
    get_setting_values = Op[m.ConfigSettingValuesModel]()
    post_setting_values = Op[m.ConfigSettingValuesModel]()
    replace_setting_value = Op[m.SettingValueModel]()
    update_setting_value = Op[m.SettingValueModel]()


class SettingValuesV2Namespace(_NamespaceBase[OpT]):
    """``cc.setting_values_v2``."""

    get_setting_value_v2 = Op[m.SettingFormulaModel]()
    get_setting_values_v2 = Op[m.ConfigSettingFormulasModel]()
    post_setting_values_v2 = Op[m.ConfigSettingFormulasModel]()
    replace_setting_value_v2 = Op[m.SettingFormulaModel]()
    update_setting_value_v2 = Op[m.SettingFormulaModel]()


class StaleFlagsNamespace(_NamespaceBase[OpT]):
    """``cc.stale_flags``."""

    get_staleflags = Op[m.StaleFlagProductModel]()


class TagsNamespace(_NamespaceBase[OpT]):
    """``cc.tags``."""

    create_tag = Op[m.TagModel]()
    delete_tag = Op[None]()
    get_settings_by_tag = Op[list[m.SettingModel]]()
    get_tag = Op[m.TagModel]()
    get_tags = Op[list[m.TagModel]]()
    update_tag = Op[m.TagModel]()


class WebhooksNamespace(_NamespaceBase[OpT]):
    """``cc.webhooks``."""

    create_webhook = Op[m.WebhookResponseModel]()
    delete_webhook = Op[None]()
    get_webhook = Op[m.WebhookResponseModel]()
    get_webhook_signing_keys = Op[m.WebhookSigningKeysModel]()
    get_webhooks = Op[list[m.WebhookResponseModel]]()
    replace_webhook = Op[m.WebhookResponseModel]()
    update_webhook = Op[m.WebhookResponseModel]()
