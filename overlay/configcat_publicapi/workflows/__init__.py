"""Workflows over many calls: a product as a portable document, planned and applied.

``export`` reads a product (or some of its configs) into a versioned document that refers to
everything by name and key; ``plan`` compares a document with a target product; ``apply``
makes the target equal to it, resumably and idempotently. The document's JSON Schema is
``schema()`` (the file ``product.schema.json`` of this package).
"""

from configcat_publicapi.workflows.document import (
    FORMAT,
    VERSION,
    DocumentError,
    check_document,
    dumps,
    load,
    loads,
    problems,
    schema,
)
from configcat_publicapi.workflows.export import Snapshot, export, snapshot
from configcat_publicapi.workflows.plan import ApplyResult, Change, Plan, apply, canonical, plan

__all__ = [
    "FORMAT",
    "VERSION",
    "ApplyResult",
    "Change",
    "DocumentError",
    "Plan",
    "Snapshot",
    "apply",
    "canonical",
    "check_document",
    "dumps",
    "export",
    "load",
    "loads",
    "plan",
    "problems",
    "schema",
    "snapshot",
]
