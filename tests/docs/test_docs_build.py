"""The site builds strictly (also where no browser is installed for the browser tests), and
the generated pages made it into the build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs.markdown_blocks import ROOT

# the site is built by `mkdocs build --strict` in a subprocess, as `make docs` builds it: about
# 10 s, most of it rendering the generated reference
pytestmark = pytest.mark.slow


def test_the_site_builds_strictly_with_every_guide(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "search" / "search_index.json").is_file()
    for page in (
        "guides/flags-as-code",
        "guides/workflow-documents",
        "guides/protocols",
        "guides/dashboard",
        "guides/rate-limits-and-retries",
        "guides/contract-testing",
        "reference/plan-format",
    ):
        assert (site / page / "index.html").is_file(), page


def test_the_endpoints_page_lists_the_protocols_and_the_dashboard(site: Path) -> None:
    html = (site / "reference" / "mock-http" / "index.html").read_text(encoding="utf-8")
    for path in ("/ofrep/v1/evaluate/flags", "/sse/{sdk_id}/eval-all", "/_dashboard/audit"):
        assert path in html, path
    assert 'id="cors"' in html


SITE_URL = "https://configcat-publicapi.github.io/configcat-publicapi/"


def test_the_readme_links_into_pages_the_site_has(site: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(re.escape(SITE_URL) + r"([^)>\s]*)", readme)
    assert len(links) >= 10
    for link in links:
        page, _, anchor = link.partition("#")
        built = site / page / "index.html"
        assert built.is_file(), f"README.md links to {SITE_URL}{link}, which the site lacks"
        if anchor:
            assert f'id="{anchor}"' in built.read_text(encoding="utf-8"), link
    assert len(readme.splitlines()) <= 150
