"""openapi-python-client's ``generate`` with this project's namespaces handed to the templates.

``python -m spec.render SPEC OUTPUT CONFIG TEMPLATES`` does what the generator's command line
does (read the document, parse it, render every template, run the post hooks, report) with
steps between parsing and rendering: the operations' descriptions lose their dead in-page
links (:mod:`spec.doc_links`), and :mod:`spec.namespaces` turns the parse into the
namespaces the templates lay out, given to them as the ``namespaces`` global and the
``namespace`` filter. The command line offers no such step, so this module builds the
generator's ``Project`` itself from the library's own pieces; the report is the command
line's (``handle_errors``), so :mod:`spec.generate` reads its output as before. Reading the
document goes through the library's ``_get_document``, as its command line does: the
generator is pinned (``openapi-python-client==0.29.1``), and the generation test fails
should an update move it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

import typer
from openapi_python_client import Project, _get_document
from openapi_python_client.cli import handle_errors
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.openapi import EndpointCollection
from openapi_python_client.schema.untrusted_string import UntrustedString

from spec import namespaces
from spec.doc_links import link_operations


def link_descriptions(collections: Iterable[EndpointCollection], field_prefix: str) -> None:
    """Make the in-page links of every operation's summary and description plain text that
    names the client's calls (:mod:`spec.doc_links`), for every template that writes them."""
    collections = list(collections)
    calls = namespaces.operation_calls(collections, field_prefix)
    for collection in collections:
        for endpoint in collection.endpoints:
            for field in ("summary", "description"):
                text = getattr(endpoint, field).get_untrusted_value()
                setattr(endpoint, field, UntrustedString(link_operations(text, calls)))


def install(project: Project) -> None:
    """Give the project's templates the namespaces of its parse, with plain links."""
    prefix = project.config.field_prefix
    collections = project.openapi.endpoint_collections_by_tag.values()
    link_descriptions(collections, prefix)
    views = namespaces.namespaces(collections, prefix)
    by_tag = {view.tag: view for view in views}

    def namespace(collection: EndpointCollection) -> namespaces.Namespace:
        return by_tag[collection.tag]

    project.env.globals["namespaces"] = views
    project.env.filters["namespace"] = namespace


def render(spec: Path, output: Path, config_path: Path, templates: Path) -> list[GeneratorError]:
    """Generate the package from ``spec`` into ``output``; the generator's errors, if any."""
    config = Config.from_sources(
        ConfigFile.load_from_path(path=config_path),
        MetaType.NONE,
        spec,
        "utf-8",
        False,
        output_path=output,
    )
    document = _get_document(source=config.document_source, timeout=config.http_timeout)
    if isinstance(document, GeneratorError):
        return [document]
    parsed = GeneratorData.from_dict(document, config=config)
    if isinstance(parsed, GeneratorError):
        return [parsed]
    project = Project(openapi=parsed, config=config, custom_template_path=templates)
    install(project)
    return list(project.build())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("spec", "output", "config", "templates"):
        parser.add_argument(name, type=Path)
    args = parser.parse_args(argv)
    errors = render(args.spec, args.output, args.config, args.templates)
    try:
        handle_errors(errors, fail_on_warning=True)
    except typer.Exit as exit_:
        return exit_.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
