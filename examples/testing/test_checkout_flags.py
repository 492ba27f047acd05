"""Testing an app's flags with ConfigCat's own SDK against the fake (needs `[mock]`).

pytest examples/testing/test_checkout_flags.py
"""

from __future__ import annotations

import configcatclient
from configcatclient.configcatoptions import ConfigCatOptions
from configcatclient.pollingmode import PollingMode
from configcatclient.user import User

from configcat_mock.flags import Flag, user, when


def checkout_price(client: configcatclient.ConfigCatClient, email: str, price: float) -> float:
    """The app's code under test: a discount for some users while checkout v2 is on."""
    who = User(email, email=email)
    if not client.get_value("isCheckoutV2Enabled", False, who):
        return price
    discount: int = client.get_value("discountPercent", 0, who)
    return price * (100 - discount) / 100


def test_checkout_discount(configcat_flags):  # type: ignore[no-untyped-def]
    flags = configcat_flags(
        {
            "isCheckoutV2Enabled": True,
            "discountPercent": Flag(
                0, rules=[when(user("Email").text_ends_with_any_of("@example.com")).then(10)]
            ),
        }
    )
    options = ConfigCatOptions(base_url=flags.base_url, polling_mode=PollingMode.manual_poll())
    client = configcatclient.get(flags.sdk_key, options)
    try:
        client.force_refresh()
        assert checkout_price(client, "ann@example.com", 200.0) == 180.0
        assert checkout_price(client, "bob@elsewhere.org", 200.0) == 200.0

        flags.set("isCheckoutV2Enabled", False)
        client.force_refresh()
        assert checkout_price(client, "ann@example.com", 200.0) == 200.0
    finally:
        client.close()
