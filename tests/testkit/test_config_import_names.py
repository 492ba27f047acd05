"""Any number of config JSON imports live side by side, each under a name that follows a rule:
the given name, else the file's name (``config_v6``) or ``Imported config``, numbered
`` (2)``, `` (3)``, ... when taken. Met the way users meet it: ``serve`` with two files of the
same name, the fixture called twice in one test, ``FlagServer`` and ``MockConfigCat``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from configcat_mock.flags import FlagServer
from configcat_mock.testkit.config_import import ConfigImportError
from configcat_mock.testkit.mock import MockConfigCat
from tests.serve_process import serving


def config_file(folder: Path, value: bool) -> Path:
    """A ``config_v6.json`` (the name the docs tell users to save) in ``folder``."""
    folder.mkdir()
    path = folder / "config_v6.json"
    path.write_text(json.dumps({"f": {"isCheckoutEnabled": {"t": 0, "v": {"b": value}}}}))
    return path


def product_names(mock: MockConfigCat) -> list[str]:
    return [product.name for product in mock.backend.products]


@pytest.fixture
def mock() -> Iterator[MockConfigCat]:
    with MockConfigCat(rate_limits=False) as made:
        yield made


def test_imports_without_a_name_are_numbered_in_order(mock: MockConfigCat, tmp_path: Path) -> None:
    before = product_names(mock)
    prod = config_file(tmp_path / "prod", True)
    staging = config_file(tmp_path / "staging", False)
    done = [
        mock.import_config_json(prod),
        mock.import_config_json(str(staging)),
        mock.import_config_json(prod),
        mock.import_config_json({"flags": {"a": True}}),
        mock.import_config_json('{"flags": {"a": false}}'),
    ]
    names = [
        "config_v6",
        "config_v6 (2)",
        "config_v6 (3)",
        "Imported config",
        "Imported config (2)",
    ]
    assert [d.name for d in done] == names
    assert product_names(mock) == before + names
    assert [mock.backend.configs[d.config_id].name for d in done] == names
    assert len({d.sdk_key for d in done}) == 5


def test_a_given_name_is_used_and_a_taken_one_refused(mock: MockConfigCat) -> None:
    done = mock.import_config_json({"flags": {"a": True}}, name="Production")
    assert done.name == "Production"
    assert mock.import_config_json({"flags": {"a": True}}).name == "Imported config"
    with pytest.raises(ConfigImportError, match="'production' is already in use"):
        mock.import_config_json({"flags": {"a": True}}, name="production")
    count = len(mock.backend.products)
    with pytest.raises(ConfigImportError, match="not blank"):
        mock.import_config_json({"flags": {"a": True}}, name=" ")
    assert len(mock.backend.products) == count  # nothing kept of a refused import


def test_the_flag_server_imports_the_same_file_twice(tmp_path: Path) -> None:
    path = config_file(tmp_path / "prod", True)
    with FlagServer() as server:
        first = server.import_config_json(path)
        second = server.import_config_json(path)
        assert (first.name, second.name) == ("config_v6", "config_v6 (2)")
        for done in (first, second):
            url = f"{server.base_url}/configuration-files/{done.sdk_key}/config_v6.json"
            assert httpx.get(url).json()["f"]["isCheckoutEnabled"]["v"] == {"b": True}
        server.mock.close()


def test_the_fixture_imports_twice_in_one_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_both(configcat_config_json, tmp_path):
            for name in ("prod", "staging"):
                (tmp_path / name).mkdir()
                (tmp_path / name / "config_v6.json").write_text(
                    '{"f": {"on": {"t": 0, "v": {"b": %s}}}}' % str(name == "prod").lower()
                )
            prod = configcat_config_json(tmp_path / "prod" / "config_v6.json")
            staging = configcat_config_json(tmp_path / "staging" / "config_v6.json")
            extra = configcat_config_json({"flags": {"on": True}})
            assert (prod.name, staging.name, extra.name) == (
                "config_v6", "config_v6 (2)", "Imported config"
            )
            for done, value in ((prod, True), (staging, False), (extra, True)):
                url = f"{done.base_url}/configuration-files/{done.sdk_key}/config_v6.json"
                assert httpx.get(url).json()["f"]["on"]["v"] == {"b": value}

        def test_names_are_free_again(configcat_config_json):
            assert configcat_config_json({"flags": {"on": True}}).name == "Imported config"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:asyncio", "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_serve_takes_two_files_of_the_same_name(tmp_path: Path) -> None:
    prod = config_file(tmp_path / "prod", True)
    staging = config_file(tmp_path / "staging", False)
    with serving("--config-json", str(prod), "--config-json", str(staging)) as served:
        pass
    err = served.stderr
    lines = [line for line in err.splitlines() if "served under SDK key" in line]
    assert len(lines) == 2, err
    assert lines[0].startswith(f"configcat-mock: {prod} served under SDK key ")
    assert "(config 'config_v6', " in lines[0]
    assert lines[1].startswith(f"configcat-mock: {staging} served under SDK key ")
    assert "(config 'config_v6 (2)', " in lines[1]
