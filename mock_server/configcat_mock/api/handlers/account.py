"""Organizations, ``/v1/me``, members, invitations, permission groups, limitations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from configcat_mock.api import views
from configcat_mock.api.context import Call
from configcat_mock.api.handlers._common import require_name
from configcat_mock.api.operations import handles
from configcat_mock.errors import BadRequest, NotFound
from configcat_mock.state import records as m
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


def user_view(u: m.User) -> dict[str, Any]:
    return {
        "userId": u.user_id,
        "fullName": u.full_name,
        "email": u.email,
        "twoFactorEnabled": u.two_factor_enabled,
    }


# -- organizations and me ---------------------------------------------------------------------


@handles("get-organizations")
def get_organizations(c: Call) -> Any:
    b = c.backend
    orgs = [b.organizations[o] for o in b.org_ids(c.user)]
    return [views.organization(o) for o in sorted(orgs, key=lambda o: o.name.lower())]


@handles("get-organization-limitations")
def get_organization_limitations(c: Call) -> Any:
    c.backend.organization(c.path["organizationId"], c.user)
    return ORGANIZATION_LIMITATIONS


@handles("get-me")
def get_me(c: Call) -> Any:
    return {"email": c.user.email, "fullName": c.user.full_name}


# -- permission groups ------------------------------------------------------------------------


def group_view(b: Backend, g: m.PermissionGroup) -> dict[str, Any]:
    envs = views.ordered(b.environments.where(product_id=g.product_id))
    access = {
        a.get("environmentId"): a.get("environmentAccessType") for a in g.environment_accesses
    }
    approvals = {
        a.get("environmentId"): a.get("environmentApprovalPermissionType")
        for a in g.permissions.get("environmentApprovalPermissions") or []
    }
    default_access = g.permissions.get("newEnvironmentAccessType") or "none"
    default_approval = g.permissions.get("newEnvironmentApprovalPermissionType") or "cannotApprove"
    return {
        **g.permissions,
        "permissionGroupId": g.permission_group_id,
        "name": g.name,
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
        "product": views.product(b, b.products[g.product_id]),
        "environmentApprovalPermissions": [
            {
                "environmentId": e.environment_id,
                "environmentApprovalPermissionType": approvals.get(e.environment_id)
                or default_approval,
            }
            for e in envs
        ],
    }


def _set_group(c: Call, g: m.PermissionGroup, body: dict[str, Any]) -> None:
    envs = {e.environment_id for e in c.backend.environments.where(product_id=g.product_id)}
    for name in _GROUP_LISTS:
        for i, item in enumerate(body.get(name) or []):
            if item.get("environmentId") not in envs:
                raise BadRequest(f"{name}[{i}].environmentId", "Unknown environment.")
    if body.get("name"):
        g.name = body["name"]
    for key, value in body.items():
        if key in ("name", "environmentAccesses") or value is None:
            continue
        g.permissions[key] = value
    if body.get("environmentAccesses") is not None:
        g.environment_accesses = list(body["environmentAccesses"])


def _audit_group(c: Call, g: m.PermissionGroup, kind: str) -> None:
    product = c.backend.products[g.product_id]
    c.backend.audit(c.user, product.organization_id, product.product_id, kind, g.name)


@handles("get-permission-groups")
def get_permission_groups(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    rows = sorted(
        b.permission_groups.where(product_id=product.product_id), key=lambda g: g.name.lower()
    )
    return [group_view(b, g) for g in rows]


@handles("create-permission-group")
def create_permission_group(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    group = m.PermissionGroup(
        b.next_id("permission_group"), product.product_id, require_name(c.body.get("name"))
    )
    _set_group(c, group, c.body)
    b.permission_groups.add(group)
    _audit_group(c, group, "permissionGroupCreated")
    return group_view(b, group)


@handles("get-permission-group")
def get_permission_group(c: Call) -> Any:
    return group_view(c.backend, c.backend.permission_group(c.path["permissionGroupId"], c.user))


@handles("update-permission-group")
def update_permission_group(c: Call) -> Any:
    group = c.backend.permission_group(c.path["permissionGroupId"], c.user)
    _set_group(c, group, c.body)
    _audit_group(c, group, "permissionGroupChanged")
    return group_view(c.backend, group)


@handles("delete-permission-group")
def delete_permission_group(c: Call) -> Any:
    b = c.backend
    group = b.permission_group(c.path["permissionGroupId"], c.user)
    gid = group.permission_group_id
    if b.product_members.where(permission_group_id=gid):
        raise BadRequest("permissionGroupId", "The permission group still has members.")
    b.invitations.drop(lambda r: r.permission_group_id == gid)
    b.permission_groups.remove(gid)
    _audit_group(c, group, "permissionGroupDeleted")
    return None


# -- members and invitations ------------------------------------------------------------------


def _org_users(b: Backend, org_id: str) -> list[tuple[m.Membership, m.User]]:
    out = []
    for ms in b.memberships.where(organization_id=org_id):
        user = b.users.get(ms.user_id)
        if user is not None:
            out.append((ms, user))
    return sorted(out, key=lambda x: x[1].email.lower())


@handles("get-organization-members")
def get_organization_members(c: Call) -> Any:
    org = c.backend.organization(c.path["organizationId"], c.user)
    return [user_view(u) for _, u in _org_users(c.backend, org.organization_id)]


@handles("get-organization-members-v2")
def get_organization_members_v2(c: Call) -> Any:
    b = c.backend
    org = b.organization(c.path["organizationId"], c.user)
    products = {p.product_id: p for p in b.products.where(organization_id=org.organization_id)}
    members = []
    for _, user in _org_users(b, org.organization_id):
        permissions = []
        for pm in b.product_members.where(user_id=user.user_id):
            product = products.get(pm.product_id)
            group = b.permission_groups.get(pm.permission_group_id)
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
    pairs = _org_users(b, org.organization_id)
    return {
        "admins": [user_view(u) for ms, u in pairs if ms.is_admin],
        "billingManagers": [user_view(u) for ms, u in pairs if ms.is_billing_manager],
        "members": members,
    }


@handles("get-product-members")
def get_product_members(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    out = []
    for pm in b.product_members.where(product_id=product.product_id):
        user = b.users.get(pm.user_id)
        if user is not None:
            out.append(
                {
                    "userId": user.user_id,
                    "productId": product.product_id,
                    "permissionGroupId": pm.permission_group_id,
                    "fullName": user.full_name,
                    "email": user.email,
                }
            )
    return sorted(out, key=lambda x: str(x["email"]).lower())


@handles("delete-product-member")
def delete_product_member(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    if b.product_members.remove((product.product_id, c.path["userId"])) is None:
        raise NotFound("member")
    b.audit(
        c.user, product.organization_id, product.product_id, "teamMemberRemoved", c.path["userId"]
    )
    return None


@handles("delete-organization-member")
def delete_organization_member(c: Call) -> Any:
    b = c.backend
    org = b.organization(c.path["organizationId"], c.user)
    user_id = c.path["userId"]
    if user_id == c.user.user_id:
        raise BadRequest("userId", "You cannot remove yourself from the organization.")
    if b.memberships.remove((org.organization_id, user_id)) is None:
        raise NotFound("member")
    products = {p.product_id for p in b.products.where(organization_id=org.organization_id)}
    b.product_members.drop(lambda r: r.user_id == user_id and r.product_id in products)
    b.audit(c.user, org.organization_id, None, "organizationMemberRemoved", user_id)
    return None


@handles("add-member-to-group")
def add_member_to_group(c: Call) -> Any:
    b = c.backend
    org = b.organization(c.path["organizationId"], c.user)
    membership = b.memberships.get((org.organization_id, c.path["userId"]))
    if membership is None:
        raise NotFound("member")
    body = c.body or {}
    groups = []
    for i, gid in enumerate(body.get("permissionGroupIds") or []):
        group = b.permission_groups.get(gid)
        product = b.products.get(group.product_id) if group else None
        if group is None or product is None or product.organization_id != org.organization_id:
            raise BadRequest(f"permissionGroupIds[{i}]", "Unknown permission group.")
        groups.append(group)
    user_id = membership.user_id
    if body.get("removeFromPermissionGroupsWhereIdNotSet"):
        products = {p.product_id for p in b.products.where(organization_id=org.organization_id)}
        keep = {g.product_id for g in groups}
        b.product_members.drop(
            lambda r: r.user_id == user_id and r.product_id in products and r.product_id not in keep
        )
    for group in groups:
        b.product_members.add(m.ProductMember(group.product_id, user_id, group.permission_group_id))
    if body.get("isAdmin") is not None:
        membership.is_admin = bool(body["isAdmin"])
    if body.get("isBillingManager") is not None:
        membership.is_billing_manager = bool(body["isBillingManager"])
    b.audit(c.user, org.organization_id, None, "teamMemberPermissionGroupChanged", user_id)
    return None


@handles("invite-member")
def invite_member(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    group = b.permission_groups.get(c.body["permissionGroupId"])
    if group is None or group.product_id != product.product_id:
        raise BadRequest("permissionGroupId", "Unknown permission group in this product.")
    emails = c.body.get("emails") or []
    if not emails:
        raise BadRequest("emails", "At least one email is required.")
    for i, email in enumerate(emails):
        if not isinstance(email, str) or "@" not in email or len(email) > 255:
            raise BadRequest(f"emails[{i}]", "Not a valid email address.")
    created = datetime.now(UTC)
    for email in dict.fromkeys(e.lower() for e in emails):
        existing = [
            i
            for i in b.invitations.where(product_id=product.product_id)
            if i.email.lower() == email
        ]
        for old in existing:
            b.invitations.remove(old.invitation_id)
        b.invitations.add(
            m.Invitation(
                invitation_id=b.new_uuid(),
                product_id=product.product_id,
                email=email,
                permission_group_id=group.permission_group_id,
                created_at=utcnow(),
                expires=(created + timedelta(days=14)).isoformat().replace("+00:00", "Z"),
            )
        )
        b.audit(c.user, product.organization_id, product.product_id, "teamMemberInvited", email)
    return None


def _invitation(inv: m.Invitation) -> dict[str, Any]:
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
def get_pending_invitations(c: Call) -> Any:
    b = c.backend
    product = b.product(c.path["productId"], c.user)
    return [_invitation(i) for i in b.invitations.where(product_id=product.product_id)]


@handles("get-pending-invitations-org")
def get_pending_invitations_org(c: Call) -> Any:
    b = c.backend
    org = b.organization(c.path["organizationId"], c.user)
    out = []
    for product in b.products.where(organization_id=org.organization_id):
        for inv in b.invitations.where(product_id=product.product_id):
            out.append(
                {**_invitation(inv), "productId": product.product_id, "productName": product.name}
            )
    return out


@handles("delete-invitation")
def delete_invitation(c: Call) -> Any:
    b = c.backend
    inv = b.invitations.get(c.path["invitationId"])
    if inv is None:
        raise NotFound("invitation")
    product = b.product(inv.product_id, c.user)
    b.invitations.remove(inv.invitation_id)
    b.audit(
        c.user,
        product.organization_id,
        product.product_id,
        "teamMemberInvitationRevoked",
        inv.email,
    )
    return None
