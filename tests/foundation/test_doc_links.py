"""spec/doc_links.py: the spec's in-page links made plain text in the generated docstrings."""

from __future__ import annotations

from pathlib import Path

import configcat_publicapi_client
from spec.doc_links import IN_PAGE_LINK, link_operations

CALLS = {"get_products": "products.get_products", "update_setting": "settings.update_setting"}


def test_a_link_to_a_known_operation_names_its_call() -> None:
    text = "obtained from the [List Products](#operation/get-products) endpoint."
    assert link_operations(text, CALLS) == (
        "obtained from the List Products (`client.products.get_products()`) endpoint."
    )


def test_the_call_is_the_namespace_the_client_exposes() -> None:
    text = "use the [Update Flag](#operation/update-setting) endpoint"
    assert link_operations(text, CALLS) == (
        "use the Update Flag (`client.settings.update_setting()`) endpoint"
    )


def test_a_link_to_an_unknown_operation_keeps_its_words_only() -> None:
    text = "see [Gadgets](#operation/get-gadgets)."
    assert link_operations(text, CALLS) == "see Gadgets."


def test_a_link_to_a_section_keeps_its_words_only() -> None:
    text = "the [Feature Flag & Setting](#tag/Feature-Flags-and-Settings) endpoints"
    assert link_operations(text, CALLS) == "the Feature Flag & Setting endpoints"


def test_links_to_other_pages_and_plain_text_stay() -> None:
    text = "a [JSON Patch](https://jsonpatch.com) of `[a](b)` and [brackets] (#not-a-link)"
    assert link_operations(text, CALLS) == text


def test_every_link_of_a_text_is_rewritten() -> None:
    text = "[A](#operation/get-products), [B](#tag/B) and [C](#operation/update-setting)"
    assert link_operations(text, CALLS) == (
        "A (`client.products.get_products()`), B and C (`client.settings.update_setting()`)"
    )


def test_the_generated_docstrings_carry_no_in_page_link() -> None:
    """What the generator wrote (``make regenerate``): no anchor of the upstream's page left
    in an operation's docstring, and the calls named instead."""
    package = Path(configcat_publicapi_client.__file__).parent / "api"
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(package.rglob("*.py")))
    assert "(#operation/" not in text
    assert IN_PAGE_LINK.search(text) is None
    assert "(`client.products.get_products()`)" in text
