"""Proxy profiles: which SDK keys a ConfigCat Proxy may serve, and its secret."""

from __future__ import annotations

from typing import Any

from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import apply_patch, require_name
from configcat_mock.api.operations import handles
from configcat_mock.api.rules.proxy_profiles import profile_pairs, selected_sdk_keys
from configcat_mock.errors import BadRequest
from configcat_mock.state import records


def view(profile: records.ProxyProfile) -> dict[str, Any]:
    prefs = profile.connection_preferences
    return {
        "proxyProfileId": profile.proxy_profile_id,
        "name": profile.name,
        "description": profile.description,
        "lastAccessedAt": profile.last_accessed_at,
        "connectionPreferences": {
            "sdkPollInterval": prefs.get("sdkPollInterval", 60),
            "webhookNotification": prefs.get("webhookNotification"),
        },
        "sdkKeySelectionRules": profile.selection_rules,
    }


def _request_doc(profile: records.ProxyProfile) -> dict[str, Any]:
    hook = profile.connection_preferences.get("webhookNotification")
    return {
        "name": profile.name,
        "description": profile.description,
        "connectionPreferences": {
            "sdkPollInterval": profile.connection_preferences.get("sdkPollInterval", 60),
            "webhookNotification": {"webhookProxyUrl": hook["webhookProxyUrl"]} if hook else None,
        },
        "sdkKeySelectionRules": [dict(r) for r in profile.selection_rules],
    }


def _set(call: Call, profile: records.ProxyProfile, body: dict[str, Any]) -> None:
    backend = call.backend
    profile.name = require_name(body.get("name"))
    profile.description = body.get("description")
    prefs = body.get("connectionPreferences") or {}
    hook = prefs.get("webhookNotification")
    old = profile.connection_preferences.get("webhookNotification") or {}
    profile.connection_preferences = {
        "sdkPollInterval": prefs.get("sdkPollInterval") or 60,
        "webhookNotification": {
            "webhookProxyUrl": hook["webhookProxyUrl"],
            "signingKey1": old.get("signingKey1") or f"configcat_pxsk_{backend.token(40)}",
            "signingKey2": old.get("signingKey2"),
        }
        if hook
        else None,
    }
    profile.selection_rules = [
        call.schemas.shape("ProxyProfileSelectionRule", r)
        for r in body.get("sdkKeySelectionRules") or []
    ]


def _audit(call: Call, profile: records.ProxyProfile, kind: str) -> None:
    call.backend.audit(call.user, profile.organization_id, None, kind, profile.name)


@handles("get-proxy-profiles")
def get_proxy_profiles(call: Call) -> Any:
    backend = call.backend
    org = backend.organization(call.path["organizationId"], call.user)
    rows = sorted(
        backend.proxy_profiles.where(organization_id=org.organization_id),
        key=lambda p: p.name.lower(),
    )
    return {"profiles": [view(p) for p in rows]}


@handles("create-proxy-profile")
def create_proxy_profile(call: Call) -> Any:
    backend = call.backend
    org = backend.organization(call.path["organizationId"], call.user)
    profile = records.ProxyProfile(
        backend.new_uuid(), org.organization_id, "", secret=backend.token(40)
    )
    _set(call, profile, call.body)
    backend.proxy_profiles.add(profile)
    _audit(call, profile, "proxyConfigurationCreated")
    return view(profile)


@handles("get-proxy-profile")
def get_proxy_profile(call: Call) -> Any:
    return view(call.backend.proxy_profile(call.path["proxyProfileId"], call.user))


@handles("replace-proxy-profile")
def replace_proxy_profile(call: Call) -> Any:
    profile = call.backend.proxy_profile(call.path["proxyProfileId"], call.user)
    _set(call, profile, call.body)
    _audit(call, profile, "proxyConfigurationChanged")
    return view(profile)


@handles("update-proxy-profile")
def update_proxy_profile(call: Call) -> Any:
    profile = call.backend.proxy_profile(call.path["proxyProfileId"], call.user)
    patched = apply_patch(_request_doc(profile), call.body)
    call.validate_as("CreateOrUpdateProxyProfileRequest", patched)
    _set(call, profile, patched)
    _audit(call, profile, "proxyConfigurationChanged")
    return view(profile)


@handles("delete-proxy-profile")
def delete_proxy_profile(call: Call) -> Any:
    profile = call.backend.proxy_profile(call.path["proxyProfileId"], call.user)
    call.backend.proxy_profiles.remove(profile.proxy_profile_id)
    _audit(call, profile, "proxyConfigurationDeleted")
    return None


@handles("get-proxy-profile-sdk-keys")
def get_proxy_profile_sdk_keys(call: Call) -> Any:
    profile = call.backend.proxy_profile(call.path["proxyProfileId"], call.user)
    return {"items": selected_sdk_keys(call.backend, profile)}


def _requested(call: Call, profile: records.ProxyProfile) -> list[dict[str, str]]:
    pairs = {
        (x.config_id, y.environment_id)
        for _, x, y in profile_pairs(call.backend, profile.organization_id)
    }
    out: list[Any] = []
    for i, item in enumerate(call.body.get("items") or []):
        pair = (item.get("configId"), item.get("environmentId"))
        if pair not in pairs:
            raise BadRequest(f"items[{i}]", "Unknown config and environment pair.")
        out.append({"configId": pair[0], "environmentId": pair[1]})
    return out


def _override(call: Call, selected: bool) -> Any:
    profile = call.backend.proxy_profile(call.path["proxyProfileId"], call.user)
    requested = _requested(call, profile)
    keys = {(p["configId"], p["environmentId"]) for p in requested}
    profile.sdk_keys = [
        *[o for o in profile.sdk_keys if (o["configId"], o["environmentId"]) not in keys],
        *[{**p, "selected": selected} for p in requested],
    ]
    _audit(call, profile, "proxyConfigurationChanged")
    return {"items": selected_sdk_keys(call.backend, profile)}


@handles("select-proxy-profile-sdk-keys")
def select_proxy_profile_sdk_keys(call: Call) -> Any:
    return _override(call, True)


@handles("deselect-proxy-profile-sdk-keys")
def deselect_proxy_profile_sdk_keys(call: Call) -> Any:
    return _override(call, False)


@handles("generate-proxy-profile-secret")
def generate_proxy_profile_secret(call: Call) -> Any:
    profile = call.backend.proxy_profile(call.path["proxyProfileId"], call.user)
    profile.secret = call.backend.token(40)
    _audit(call, profile, "proxyConfigurationSecretRegenerated")
    return {"secretToken": profile.secret}
