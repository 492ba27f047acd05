"""Links inside the spec's descriptions, rewritten for the generated docstrings.

The upstream descriptions link to other operations with anchors of its own documentation
page, ``[List Products](#operation/get-products)``, and to sections with ``#tag/...``: in a
docstring, an IDE or the client's documentation those anchors lead nowhere. Each becomes
plain text: a link to an operation keeps its words and names the client call that does it,
``List Products (`client.products.get_products()`)``; any other in-page link (a section, or an
operation the client does not have) keeps its words alone. Links to other pages stay as
they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from openapi_python_client.strings import snake_case

#: ``[words](#anchor)``: a Markdown link to a place on the same page.
IN_PAGE_LINK = re.compile(r"\[(?P<words>[^\]]+)\]\(#(?P<anchor>[^)\s]*)\)")
OPERATION_ANCHOR = "operation/"


def link_operations(text: str, calls: Mapping[str, str]) -> str:
    """``text`` with each in-page link made plain: a link to an operation in ``calls``
    (method name -> ``namespace.method``) names its call; any other keeps its words."""

    def plain(link: re.Match[str]) -> str:
        words, anchor = link["words"], link["anchor"]
        if anchor.startswith(OPERATION_ANCHOR):
            call = calls.get(snake_case(anchor.removeprefix(OPERATION_ANCHOR)))
            if call is not None:
                return f"{words} (`client.{call}()`)"
        return words

    return IN_PAGE_LINK.sub(plain, text)
