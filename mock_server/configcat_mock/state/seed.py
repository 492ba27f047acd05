"""The default start state: one demo user in one organization, nothing else.

Credentials of the demo user (HTTP Basic): username ``demo``, password ``demo``.
A seed file has the shape of ``GET /_mock/state`` (``{"tables": {"users": [...], ...}}``);
tables left out start empty.
"""

from __future__ import annotations

from typing import Any

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"  # noqa: S105 - documented credential of the offline demo user
DEMO_USER_ID = "demo-user"
DEMO_ORGANIZATION_ID = "0f3c9a57-8a8e-4d4b-9a51-3e2f1b6c7d01"

DEFAULT_SEED: dict[str, Any] = {
    "version": 1,
    "tables": {
        "users": [
            {
                "user_id": DEMO_USER_ID,
                "email": "demo@example.com",
                "full_name": "Demo User",
                "username": DEMO_USERNAME,
                "password": DEMO_PASSWORD,
            }
        ],
        "organizations": [
            {
                "organization_id": DEMO_ORGANIZATION_ID,
                "name": "Demo Organization",
                "created_at": "2024-01-01T00:00:00.000Z",
            }
        ],
        "memberships": [
            {
                "organization_id": DEMO_ORGANIZATION_ID,
                "user_id": DEMO_USER_ID,
                "is_admin": True,
                "is_billing_manager": True,
            }
        ],
    },
}
