"""MkDocs hooks of the site: docstrings' reStructuredText roles shown as plain code.

The project's docstrings name other objects as ``:class:`~configcat_mock.MockConfigCat```;
Markdown renders the backticks as code and would leave the role and the tilde in the text.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:class|mod|func|meth|attr|data|exc|obj):<code>~?")


def on_page_content(html: str, **kwargs: Any) -> str:
    """The page's HTML without docstring roles in front of code."""
    return _ROLE.sub("<code>", html)
