"""Testing an app against its production config, offline (needs `[mock]`).

pytest examples/testing/test_production_config.py

`PRODUCTION_CONFIG` stands for the `config_v6.json` your app downloads (save it next to the
tests and pass the path instead). The fake serves it under the app's own SDK key and every
user evaluates as in production, sensitive (hashed) comparators and variation ids included.
"""

from __future__ import annotations

import configcatclient
from configcatclient.configcatoptions import ConfigCatOptions
from configcatclient.pollingmode import PollingMode
from configcatclient.user import User

APP_SDK_KEY = "configcat-sdk-1/AppKeyAppKeyAppKeyAppK/AppKeyAppKeyAppKeyAppK"

# "Email IS ONE OF (hashed) ['vip@example.com']" with the config's salt, as the CDN serves it
SALT = "QW2bBgTVBbdQ1nzR6rJZ3jbIU7aESSzPw3bXbpAwFOk"
VIP_HASH = "b03cc628ba706e394664b58bbf7f3357e9d93fa3ad372f8c2cac4e5983a470df"
PRODUCTION_CONFIG = {
    "p": {"u": "https://cdn-global.configcat.com", "r": 0, "s": SALT},
    "f": {
        "isPremiumCheckout": {
            "t": 0,
            "r": [
                {
                    "c": [
                        {
                            "u": {
                                "a": "Email",
                                "c": 16,
                                "l": [VIP_HASH],
                            }
                        }
                    ],
                    "s": {"v": {"b": True}, "i": "a1b2c3d4"},
                }
            ],
            "v": {"b": False},
            "i": "e5f6a7b8",
        }
    },
}


def test_vip_gets_premium_checkout(configcat_config_json):  # type: ignore[no-untyped-def]
    served = configcat_config_json(PRODUCTION_CONFIG, sdk_key=APP_SDK_KEY)
    options = ConfigCatOptions(base_url=served.base_url, polling_mode=PollingMode.manual_poll())
    client = configcatclient.get(APP_SDK_KEY, options)
    try:
        client.force_refresh()
        for email, want in [
            ("vip@example.com", (True, "a1b2c3d4")),
            ("a@b.org", (False, "e5f6a7b8")),
        ]:
            details = client.get_value_details("isPremiumCheckout", None, User(email, email))
            assert (details.value, details.variation_id) == want
    finally:
        client.close()
