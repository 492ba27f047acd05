"""State records, one module per resource group. Fields hold JSON values only, so a record
dumps with :func:`attrs.asdict` and loads back with ``cls(**row)``."""

from configcat_mock.state.records.account import (
    Invitation,
    Membership,
    Organization,
    PermissionGroup,
    ProductMember,
    User,
)
from configcat_mock.state.records.audit import AuditLog
from configcat_mock.state.records.change_request import ChangeRequest, ChangeRequestComment
from configcat_mock.state.records.integration import Integration, IntegrationLink, ProxyProfile
from configcat_mock.state.records.product import Config, Environment, Product, SdkKey, Segment, Tag
from configcat_mock.state.records.setting import CodeReport, DeletedSetting, Setting, SettingValue
from configcat_mock.state.records.webhook import Webhook

__all__ = [
    "AuditLog",
    "ChangeRequest",
    "ChangeRequestComment",
    "CodeReport",
    "Config",
    "DeletedSetting",
    "Environment",
    "Integration",
    "IntegrationLink",
    "Invitation",
    "Membership",
    "Organization",
    "PermissionGroup",
    "Product",
    "ProductMember",
    "ProxyProfile",
    "SdkKey",
    "Segment",
    "Setting",
    "SettingValue",
    "Tag",
    "User",
    "Webhook",
]
