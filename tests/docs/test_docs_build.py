"""The site builds strictly (also where no browser is installed for the browser tests), and
the generated pages made it into the build."""

from __future__ import annotations

from pathlib import Path


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
