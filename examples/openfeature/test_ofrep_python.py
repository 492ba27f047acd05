"""Testing an OpenFeature app against the fake over OFREP (needs `[mock]` and
`openfeature-provider-ofrep`).

pytest examples/openfeature/test_ofrep_python.py
"""

from __future__ import annotations

from openfeature import api
from openfeature.client import OpenFeatureClient
from openfeature.contrib.provider.ofrep import OFREPProvider
from openfeature.evaluation_context import EvaluationContext

from configcat_mock.flags import Flag, user, when


def greeting(client: OpenFeatureClient, email: str) -> str:
    """The app's code under test: a banner chosen by a flag, per user."""
    context = EvaluationContext(email, {"email": email})
    return client.get_string_value("banner", "Welcome", context)


def test_the_banner_follows_the_flag(configcat_flags):  # type: ignore[no-untyped-def]
    flags = configcat_flags(
        {
            "banner": Flag(
                "Hello",
                rules=[when(user("Email").text_ends_with_any_of("@example.com")).then("Hi, team")],
            )
        }
    )
    provider = OFREPProvider(
        flags.ofrep_url, headers_factory=lambda: {"X-ConfigCat-SdkKey": flags.sdk_key}
    )
    api.set_provider(provider, "shop")
    client = api.get_client("shop")

    assert greeting(client, "ann@example.com") == "Hi, team"
    assert greeting(client, "bob@elsewhere.org") == "Hello"

    flags.set("banner", "Closed today")  # OFREP evaluates on every call: seen at once
    assert greeting(client, "ann@example.com") == "Closed today"
