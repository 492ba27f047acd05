"""The dashboard's writes, made by the management API's own operation handlers.

A value change is the JSON Patch a client would send to ``PATCH
/v{1,2}/environments/{environmentId}/settings/{settingId}/value`` (with ``reason`` and
``bypassApproval`` in the query), routed by the spec's router and run by
:meth:`MockApp.handle`: the same validation, reason and approval rules, audit entry, webhooks
and delivered config as the API call, with no second write path to keep in step. It acts as an
admin of the product's organization (the seed's demo user, unless the state says otherwise).
What it skips is what belongs to HTTP clients: Basic auth, rate limits, injected faults and
the request journal.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request

from configcat_mock.errors import MockHTTPError
from configcat_mock.state import records

if TYPE_CHECKING:
    from configcat_mock.http.app import MockApp


class ChangeRefused(Exception):
    """The change was not made; the message says why, in the API's words."""


def acting_user(app: MockApp, organization_id: str) -> records.User:
    """An admin of the organization (else any member): who the audit log names."""
    members = sorted(
        app.backend.memberships.where(organization_id=organization_id),
        key=lambda member: (not member.is_admin, member.user_id),
    )
    for member in members:
        user = app.backend.users.get(member.user_id)
        if user is not None:
            return user
    raise ChangeRefused("The organization has no member to make the change as.")


def parse_value(setting: records.Setting, text: str) -> Any:
    """The form's text as a value of the flag's type; :class:`ChangeRefused` if it is not one."""
    kind = setting.setting_type
    if kind == "boolean":
        if text in ("true", "false"):
            return text == "true"
        raise ChangeRefused("A boolean flag is true or false.")
    if kind == "string":
        if setting.is_json:
            try:
                json.loads(text)
            except ValueError as exc:
                raise ChangeRefused(f"This flag holds JSON, and this is not JSON: {exc}.") from None
        return text
    try:
        number = int(text.strip()) if kind == "int" else float(text.strip())
    except ValueError:
        raise ChangeRefused(
            f"This flag holds {'a whole number' if kind == 'int' else 'a number'}."
        ) from None
    if isinstance(number, float) and not math.isfinite(number):
        raise ChangeRefused("The number must be finite.")
    return number


_V2_FIELD = {
    "boolean": "boolValue",
    "string": "stringValue",
    "int": "intValue",
    "double": "doubleValue",
}


def set_value(
    app: MockApp,
    setting: records.Setting,
    environment: records.Environment,
    value: Any,
    *,
    reason: str = "",
    bypass_approval: bool = False,
) -> None:
    """Serve ``value`` by default in ``environment``: the targeting rules stay as they are."""
    backend = app.backend
    config = backend.configs[setting.config_id]
    product = backend.products[config.product_id]
    user = acting_user(app, product.organization_id)
    where = f"/environments/{environment.environment_id}/settings/{setting.setting_id}/value"
    if config.evaluation_version == "v2":
        path = "/v2" + where
        patch: list[dict[str, Any]] = [
            {
                "op": "replace",
                "path": "/defaultValue",
                "value": {_V2_FIELD[setting.setting_type]: value},
            }
        ]
    else:
        path = "/v1" + where
        patch = [{"op": "replace", "path": "/value", "value": value}]
    query: dict[str, str] = {}
    if reason.strip():
        query["reason"] = reason.strip()
    if bypass_approval:
        query["bypassApproval"] = "true"
    _run(app, user, "PATCH", path, query, patch)


def _run(
    app: MockApp, user: records.User, method: str, path: str, query: dict[str, str], body: Any
) -> None:
    """One operation through the router and :meth:`MockApp.handle`, as a request would go."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": urlencode(query).encode(),
        "headers": [(b"content-type", b"application/json")],
    }
    try:
        operation, path_params = app.router.match(method, path)
        app.handle(operation, user, path_params, Request(scope), json.dumps(body).encode())
    except MockHTTPError as exc:
        raise ChangeRefused(error_text(exc.body)) from None


def error_text(body: Any) -> str:
    """An API error body (``{"field": ["message"]}`` or ``{"message": ...}``) as a sentence."""
    if isinstance(body, dict):
        parts = []
        for field, messages in body.items():
            listed = messages if isinstance(messages, list) else [messages]
            text = " ".join(str(message) for message in listed)
            parts.append(text if field in ("message", "request", "") else f"{field}: {text}")
        return " ".join(parts) or "The change was refused."
    return str(body) if body else "The change was refused."
