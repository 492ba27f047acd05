"""Organizations, ``/v1/me``, members, invitations, permission groups, limitations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import require_name
from configcat_mock.api.operations import handles
from configcat_mock.errors import BadRequest, NotFound
from configcat_mock.state import records
from configcat_mock.state.backend import Backend, utcnow

ORGANIZATION_LIMITATIONS = {
    "maxPercentageOptionCount": 100,
    "maxTargetingRuleCount": 100,
    "maxComparisonValueLength": 65535,
    "maxComparisonValueListLength": 1000,
    "maxComparisonValueListItemLength": 65535,
    "maxStringFlagValueLength": 1_000_000,
    "maxConditionPerTargetingRuleCount": 100,
    "maxPredefinedVariations": 25,
}
_GROUP_LISTS = ("environmentAccesses", "environmentApprovalPermissions")


def user_view(user: records.User) -> dict[str, Any]:
    return {
        "userId": user.user_id,
        "fullName": user.full_name,
        "email": user.email,
        "twoFactorEnabled": user.two_factor_enabled,
    }


# -- organizations and me ---------------------------------------------------------------------


@handles("get-organizations")
def get_organizations(call: Call) -> Any:
    backend = call.backend
    orgs = [backend.organizations[o] for o in backend.org_ids(call.user)]
    return [views.organization(o) for o in sorted(orgs, key=lambda o: o.name.lower())]


@handles("get-organization-limitations")
def get_organization_limitations(call: Call) -> Any:
    call.backend.organization(call.path["organizationId"], call.user)
    return ORGANIZATION_LIMITATIONS


@handles("get-me")
def get_me(call: Call) -> Any:
    return {"email": call.user.email, "fullName": call.user.full_name}


# -- permission groups ------------------------------------------------------------------------


def group_view(backend: Backend, group: records.PermissionGroup) -> dict[str, Any]:
    envs = views.ordered(backend.environments.where(product_id=group.product_id))
    access = {
        a.get("environmentId"): a.get("environmentAccessType") for a in group.environment_accesses
    }
    approvals = {
        a.get("environmentId"): a.get("environmentApprovalPermissionType")
        for a in group.permissions.get("environmentApprovalPermissions") or []
    }
    default_access = group.permissions.get("newEnvironmentAccessType") or "none"
    default_approval = (
        group.permissions.get("newEnvironmentApprovalPermissionType") or "cannotApprove"
    )
    return {
        **group.permissions,
        "permissionGroupId": group.permission_group_id,
        "name": group.name,
        "environmentAccesses": [
            {
                "environmentId": e.environment_id,
                "name": e.name,
                "color": e.color,
                "description": e.description,
                "order": e.order,
                "reasonRequired": e.reason_required,
                "approveRequired": e.approve_required,
                "environmentAccessType": access.get(e.environment_id) or default_access,
            }
            for e in envs
        ],
        "product": views.product(backend, backend.products[group.product_id]),
        "environmentApprovalPermissions": [
            {
                "environmentId": e.environment_id,
                "environmentApprovalPermissionType": approvals.get(e.environment_id)
                or default_approval,
            }
            for e in envs
        ],
    }


def _set_group(call: Call, group: records.PermissionGroup, body: dict[str, Any]) -> None:
    envs = {e.environment_id for e in call.backend.environments.where(product_id=group.product_id)}
    for name in _GROUP_LISTS:
        for i, item in enumerate(body.get(name) or []):
            if item.get("environmentId") not in envs:
                raise BadRequest(f"{name}[{i}].environmentId", "Unknown environment.")
    if body.get("name"):
        group.name = body["name"]
    for key, value in body.items():
        if key in ("name", "environmentAccesses") or value is None:
            continue
        group.permissions[key] = value
        call.backend.changed(group)
    if body.get("environmentAccesses") is not None:
        group.environment_accesses = list(body["environmentAccesses"])


def _audit_group(call: Call, group: records.PermissionGroup, kind: str) -> None:
    product = call.backend.products[group.product_id]
    call.backend.audit(call.user, product.organization_id, product.product_id, kind, group.name)


@handles("get-permission-groups")
def get_permission_groups(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    rows = sorted(
        backend.permission_groups.where(product_id=product.product_id), key=lambda g: g.name.lower()
    )
    return [group_view(backend, g) for g in rows]


@handles("create-permission-group")
def create_permission_group(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    group = records.PermissionGroup(
        backend.next_id("permission_group"), product.product_id, require_name(call.body.get("name"))
    )
    _set_group(call, group, call.body)
    backend.permission_groups.add(group)
    _audit_group(call, group, "permissionGroupCreated")
    return group_view(backend, group)


@handles("get-permission-group")
def get_permission_group(call: Call) -> Any:
    return group_view(
        call.backend, call.backend.permission_group(call.path["permissionGroupId"], call.user)
    )


@handles("update-permission-group")
def update_permission_group(call: Call) -> Any:
    group = call.backend.permission_group(call.path["permissionGroupId"], call.user)
    _set_group(call, group, call.body)
    _audit_group(call, group, "permissionGroupChanged")
    return group_view(call.backend, group)


@handles("delete-permission-group")
def delete_permission_group(call: Call) -> Any:
    backend = call.backend
    group = backend.permission_group(call.path["permissionGroupId"], call.user)
    gid = group.permission_group_id
    if backend.product_members.where(permission_group_id=gid):
        raise BadRequest("permissionGroupId", "The permission group still has members.")
    backend.invitations.drop(lambda r: r.permission_group_id == gid)
    backend.permission_groups.remove(gid)
    _audit_group(call, group, "permissionGroupDeleted")
    return None


# -- members and invitations ------------------------------------------------------------------


def _org_users(backend: Backend, org_id: str) -> list[tuple[records.Membership, records.User]]:
    out = []
    for membership in backend.memberships.where(organization_id=org_id):
        user = backend.users.get(membership.user_id)
        if user is not None:
            out.append((membership, user))
    return sorted(out, key=lambda x: x[1].email.lower())


@handles("get-organization-members")
def get_organization_members(call: Call) -> Any:
    org = call.backend.organization(call.path["organizationId"], call.user)
    return [user_view(u) for _, u in _org_users(call.backend, org.organization_id)]


@handles("get-organization-members-v2")
def get_organization_members_v2(call: Call) -> Any:
    backend = call.backend
    org = backend.organization(call.path["organizationId"], call.user)
    products = {
        p.product_id: p for p in backend.products.where(organization_id=org.organization_id)
    }
    members = []
    for _, user in _org_users(backend, org.organization_id):
        permissions = []
        for product_member in backend.product_members.where(user_id=user.user_id):
            product = products.get(product_member.product_id)
            group = backend.permission_groups.get(product_member.permission_group_id)
            if product is not None and group is not None:
                permissions.append(
                    {
                        "product": {"productId": product.product_id, "name": product.name},
                        "permissionGroup": {
                            "permissionGroupId": group.permission_group_id,
                            "name": group.name,
                        },
                    }
                )
        members.append({**user_view(user), "permissions": permissions})
    pairs = _org_users(backend, org.organization_id)
    return {
        "admins": [user_view(u) for ms, u in pairs if ms.is_admin],
        "billingManagers": [user_view(u) for ms, u in pairs if ms.is_billing_manager],
        "members": members,
    }


@handles("get-product-members")
def get_product_members(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    out = []
    for product_member in backend.product_members.where(product_id=product.product_id):
        user = backend.users.get(product_member.user_id)
        if user is not None:
            out.append(
                {
                    "userId": user.user_id,
                    "productId": product.product_id,
                    "permissionGroupId": product_member.permission_group_id,
                    "fullName": user.full_name,
                    "email": user.email,
                }
            )
    return sorted(out, key=lambda x: str(x["email"]).lower())


@handles("delete-product-member")
def delete_product_member(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    if backend.product_members.remove((product.product_id, call.path["userId"])) is None:
        raise NotFound("member")
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "teamMemberRemoved",
        call.path["userId"],
    )
    return None


@handles("delete-organization-member")
def delete_organization_member(call: Call) -> Any:
    backend = call.backend
    org = backend.organization(call.path["organizationId"], call.user)
    user_id = call.path["userId"]
    if user_id == call.user.user_id:
        raise BadRequest("userId", "You cannot remove yourself from the organization.")
    if backend.memberships.remove((org.organization_id, user_id)) is None:
        raise NotFound("member")
    products = {p.product_id for p in backend.products.where(organization_id=org.organization_id)}
    backend.product_members.drop(lambda r: r.user_id == user_id and r.product_id in products)
    backend.audit(call.user, org.organization_id, None, "organizationMemberRemoved", user_id)
    return None


@handles("add-member-to-group")
def add_member_to_group(call: Call) -> Any:
    backend = call.backend
    org = backend.organization(call.path["organizationId"], call.user)
    membership = backend.memberships.get((org.organization_id, call.path["userId"]))
    if membership is None:
        raise NotFound("member")
    body = call.body or {}
    groups = []
    for i, gid in enumerate(body.get("permissionGroupIds") or []):
        group = backend.permission_groups.get(gid)
        product = backend.products.get(group.product_id) if group else None
        if group is None or product is None or product.organization_id != org.organization_id:
            raise BadRequest(f"permissionGroupIds[{i}]", "Unknown permission group.")
        groups.append(group)
    user_id = membership.user_id
    if body.get("removeFromPermissionGroupsWhereIdNotSet"):
        products = {
            p.product_id for p in backend.products.where(organization_id=org.organization_id)
        }
        keep = {g.product_id for g in groups}
        backend.product_members.drop(
            lambda r: r.user_id == user_id and r.product_id in products and r.product_id not in keep
        )
    for group in groups:
        backend.product_members.add(
            records.ProductMember(group.product_id, user_id, group.permission_group_id)
        )
    if body.get("isAdmin") is not None:
        membership.is_admin = bool(body["isAdmin"])
    if body.get("isBillingManager") is not None:
        membership.is_billing_manager = bool(body["isBillingManager"])
    backend.audit(call.user, org.organization_id, None, "teamMemberPermissionGroupChanged", user_id)
    return None


@handles("invite-member")
def invite_member(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    group = backend.permission_groups.get(call.body["permissionGroupId"])
    if group is None or group.product_id != product.product_id:
        raise BadRequest("permissionGroupId", "Unknown permission group in this product.")
    emails = call.body.get("emails") or []
    if not emails:
        raise BadRequest("emails", "At least one email is required.")
    for i, email in enumerate(emails):
        if not isinstance(email, str) or "@" not in email or len(email) > 255:
            raise BadRequest(f"emails[{i}]", "Not a valid email address.")
    created = datetime.now(UTC)
    for email in dict.fromkeys(e.lower() for e in emails):
        existing = [
            i
            for i in backend.invitations.where(product_id=product.product_id)
            if i.email.lower() == email
        ]
        for old in existing:
            backend.invitations.remove(old.invitation_id)
        backend.invitations.add(
            records.Invitation(
                invitation_id=backend.new_uuid(),
                product_id=product.product_id,
                email=email,
                permission_group_id=group.permission_group_id,
                created_at=utcnow(),
                expires=(created + timedelta(days=14)).isoformat().replace("+00:00", "Z"),
            )
        )
        backend.audit(
            call.user, product.organization_id, product.product_id, "teamMemberInvited", email
        )
    return None


def _invitation(inv: records.Invitation) -> dict[str, Any]:
    expired = datetime.fromisoformat(inv.expires.replace("Z", "+00:00")) < datetime.now(UTC)
    return {
        "invitationId": inv.invitation_id,
        "email": inv.email,
        "permissionGroupId": inv.permission_group_id,
        "createdAt": inv.created_at,
        "expired": expired,
        "expires": inv.expires,
    }


@handles("get-pending-invitations")
def get_pending_invitations(call: Call) -> Any:
    backend = call.backend
    product = backend.product(call.path["productId"], call.user)
    return [_invitation(i) for i in backend.invitations.where(product_id=product.product_id)]


@handles("get-pending-invitations-org")
def get_pending_invitations_org(call: Call) -> Any:
    backend = call.backend
    org = backend.organization(call.path["organizationId"], call.user)
    out = []
    for product in backend.products.where(organization_id=org.organization_id):
        for inv in backend.invitations.where(product_id=product.product_id):
            out.append(
                {**_invitation(inv), "productId": product.product_id, "productName": product.name}
            )
    return out


@handles("delete-invitation")
def delete_invitation(call: Call) -> Any:
    backend = call.backend
    inv = backend.invitations.get(call.path["invitationId"])
    if inv is None:
        raise NotFound("invitation")
    product = backend.product(inv.product_id, call.user)
    backend.invitations.remove(inv.invitation_id)
    backend.audit(
        call.user,
        product.organization_id,
        product.product_id,
        "teamMemberInvitationRevoked",
        inv.email,
    )
    return None
