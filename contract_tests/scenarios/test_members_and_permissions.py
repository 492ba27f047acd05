"""Permission groups, members of a product and of the organization, invitations."""

from __future__ import annotations

from uuid import UUID

import pytest

from configcat_publicapi import BadRequestError, ConfigCatClient, NotFoundError
from configcat_publicapi_client.models import (
    CreateEnvironmentModel,
    CreatePermissionGroupRequest,
    InviteMembersRequest,
    UpdatePermissionGroupRequest,
)
from contract_tests.scenarios.support import sandbox_product, unique


def test_members_and_permissions(cc: ConfigCatClient, organization_id: str) -> None:
    groups = cc.permission_groups
    with sandbox_product(cc, organization_id) as product:
        pid = product.product_id
        env = cc.environments.create_environment(pid, body=CreateEnvironmentModel(name="Prod"))
        assert [g.name for g in groups.get_permission_groups(pid)] == ["Administrators"]
        group = groups.create_permission_group(
            pid,
            body=CreatePermissionGroupRequest.from_dict(
                {
                    "name": "Readers",
                    "accessType": "custom",
                    "canViewSdkKey": True,
                    "environmentAccesses": [
                        {
                            "environmentId": str(env.environment_id),
                            "environmentAccessType": "readOnly",
                        }
                    ],
                }
            ),
        )
        gid = group.permission_group_id
        assert isinstance(gid, int)
        assert group.environment_accesses[0].environment_access_type == "readOnly"
        got = groups.update_permission_group(
            gid, body=UpdatePermissionGroupRequest(can_delete_tag=True)
        )
        assert (got.can_delete_tag, got.can_view_sdk_key, got.name) == (True, True, "Readers")
        assert groups.get_permission_group(gid).access_type == "custom"
        me = cc.me.get_me()
        assert me.email
        assert [m.email for m in cc.members.get_product_members(pid)] == [me.email]
        assert me.email in [
            u.email for u in cc.members.get_organization_members(UUID(organization_id))
        ]
        v2 = cc.members.get_organization_members_v2(UUID(organization_id))
        assert me.email in [u.email for u in v2.members]
        email = f"{unique('invitee')}@example.com".lower()
        cc.members.invite_member(
            pid, body=InviteMembersRequest(emails=[email], permission_group_id=gid)
        )
        invitations = cc.members.get_pending_invitations(pid)
        assert [(i.email, i.permission_group_id) for i in invitations] == [(email, gid)]
        assert email in [
            i.email for i in cc.members.get_pending_invitations_org(UUID(organization_id))
        ]
        cc.members.delete_invitation(invitations[0].invitation_id)
        assert cc.members.get_pending_invitations(pid) == []
        with pytest.raises(BadRequestError):
            cc.members.invite_member(
                pid, body=InviteMembersRequest(emails=["no-at-sign"], permission_group_id=gid)
            )
        groups.delete_permission_group(gid)
        with pytest.raises(NotFoundError):
            groups.get_permission_group(gid)
