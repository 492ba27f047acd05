"""Proxy profiles: which SDK keys a ConfigCat Proxy may serve, and its secret."""

from __future__ import annotations

from typing import Any

from configcat_mock import models as m
from configcat_mock.context import Call
from configcat_mock.errors import BadRequest
from configcat_mock.handlers._common import apply_patch, require_name
from configcat_mock.operations import handles
from configcat_mock.rules.proxy_profiles import profile_pairs, selected_sdk_keys


def view(p: m.ProxyProfile) -> dict[str, Any]:
    prefs = p.connection_preferences
    return {
        "proxyProfileId": p.proxy_profile_id,
        "name": p.name,
        "description": p.description,
        "lastAccessedAt": p.last_accessed_at,
        "connectionPreferences": {
            "sdkPollInterval": prefs.get("sdkPollInterval", 60),
            "webhookNotification": prefs.get("webhookNotification"),
        },
        "sdkKeySelectionRules": p.selection_rules,
    }


def _request_doc(p: m.ProxyProfile) -> dict[str, Any]:
    hook = p.connection_preferences.get("webhookNotification")
    return {
        "name": p.name,
        "description": p.description,
        "connectionPreferences": {
            "sdkPollInterval": p.connection_preferences.get("sdkPollInterval", 60),
            "webhookNotification": {"webhookProxyUrl": hook["webhookProxyUrl"]} if hook else None,
        },
        "sdkKeySelectionRules": [dict(r) for r in p.selection_rules],
    }


def _set(c: Call, p: m.ProxyProfile, body: dict[str, Any]) -> None:
    b = c.backend
    p.name = require_name(body.get("name"))
    p.description = body.get("description")
    prefs = body.get("connectionPreferences") or {}
    hook = prefs.get("webhookNotification")
    old = p.connection_preferences.get("webhookNotification") or {}
    p.connection_preferences = {
        "sdkPollInterval": prefs.get("sdkPollInterval") or 60,
        "webhookNotification": {
            "webhookProxyUrl": hook["webhookProxyUrl"],
            "signingKey1": old.get("signingKey1") or f"configcat_pxsk_{b.token(40)}",
            "signingKey2": old.get("signingKey2"),
        }
        if hook
        else None,
    }
    p.selection_rules = [
        c.schemas.shape("ProxyProfileSelectionRule", r)
        for r in body.get("sdkKeySelectionRules") or []
    ]


def _audit(c: Call, p: m.ProxyProfile, kind: str) -> None:
    c.backend.audit(c.user, p.organization_id, None, kind, p.name)


@handles("get-proxy-profiles")
def get_proxy_profiles(c: Call) -> Any:
    b = c.backend
    org = b.organization(c.path["organizationId"], c.user)
    rows = sorted(
        b.proxy_profiles.where(organization_id=org.organization_id),
        key=lambda p: p.name.lower(),
    )
    return {"profiles": [view(p) for p in rows]}


@handles("create-proxy-profile")
def create_proxy_profile(c: Call) -> Any:
    b = c.backend
    org = b.organization(c.path["organizationId"], c.user)
    profile = m.ProxyProfile(b.new_uuid(), org.organization_id, "", secret=b.token(40))
    _set(c, profile, c.body)
    b.proxy_profiles.add(profile)
    _audit(c, profile, "proxyConfigurationCreated")
    return view(profile)


@handles("get-proxy-profile")
def get_proxy_profile(c: Call) -> Any:
    return view(c.backend.proxy_profile(c.path["proxyProfileId"], c.user))


@handles("replace-proxy-profile")
def replace_proxy_profile(c: Call) -> Any:
    profile = c.backend.proxy_profile(c.path["proxyProfileId"], c.user)
    _set(c, profile, c.body)
    _audit(c, profile, "proxyConfigurationChanged")
    return view(profile)


@handles("update-proxy-profile")
def update_proxy_profile(c: Call) -> Any:
    profile = c.backend.proxy_profile(c.path["proxyProfileId"], c.user)
    patched = apply_patch(_request_doc(profile), c.body)
    c.validate_as("CreateOrUpdateProxyProfileRequest", patched)
    _set(c, profile, patched)
    _audit(c, profile, "proxyConfigurationChanged")
    return view(profile)


@handles("delete-proxy-profile")
def delete_proxy_profile(c: Call) -> Any:
    profile = c.backend.proxy_profile(c.path["proxyProfileId"], c.user)
    c.backend.proxy_profiles.remove(profile.proxy_profile_id)
    _audit(c, profile, "proxyConfigurationDeleted")
    return None


@handles("get-proxy-profile-sdk-keys")
def get_proxy_profile_sdk_keys(c: Call) -> Any:
    profile = c.backend.proxy_profile(c.path["proxyProfileId"], c.user)
    return {"items": selected_sdk_keys(c.backend, profile)}


def _requested(c: Call, profile: m.ProxyProfile) -> list[dict[str, str]]:
    pairs = {
        (x.config_id, y.environment_id)
        for _, x, y in profile_pairs(c.backend, profile.organization_id)
    }
    out: list[Any] = []
    for i, item in enumerate(c.body.get("items") or []):
        pair = (item.get("configId"), item.get("environmentId"))
        if pair not in pairs:
            raise BadRequest(f"items[{i}]", "Unknown config and environment pair.")
        out.append({"configId": pair[0], "environmentId": pair[1]})
    return out


def _override(c: Call, selected: bool) -> Any:
    profile = c.backend.proxy_profile(c.path["proxyProfileId"], c.user)
    requested = _requested(c, profile)
    keys = {(p["configId"], p["environmentId"]) for p in requested}
    profile.sdk_keys = [
        *[o for o in profile.sdk_keys if (o["configId"], o["environmentId"]) not in keys],
        *[{**p, "selected": selected} for p in requested],
    ]
    _audit(c, profile, "proxyConfigurationChanged")
    return {"items": selected_sdk_keys(c.backend, profile)}


@handles("select-proxy-profile-sdk-keys")
def select_proxy_profile_sdk_keys(c: Call) -> Any:
    return _override(c, True)


@handles("deselect-proxy-profile-sdk-keys")
def deselect_proxy_profile_sdk_keys(c: Call) -> Any:
    return _override(c, False)


@handles("generate-proxy-profile-secret")
def generate_proxy_profile_secret(c: Call) -> Any:
    profile = c.backend.proxy_profile(c.path["proxyProfileId"], c.user)
    profile.secret = c.backend.token(40)
    _audit(c, profile, "proxyConfigurationSecretRegenerated")
    return {"secretToken": profile.secret}
