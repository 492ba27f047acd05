"""Organizations: the credentials' own, its limits, an unknown one."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from configcat_publicapi import ConfigCatClient, NotFoundError


def test_organizations(cc: ConfigCatClient, organization_id: str) -> None:
    orgs = cc.organizations
    assert organization_id in [str(o.organization_id) for o in orgs.get_organizations()]
    assert orgs.get_organization_limitations(UUID(organization_id)).max_targeting_rule_count > 0
    with pytest.raises(NotFoundError) as missing:
        orgs.get_organization_limitations(uuid.uuid4())
    assert missing.value.status_code == 404
