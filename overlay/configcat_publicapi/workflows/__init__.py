"""Workflows over many calls: a product as a portable document, planned and applied.

``export`` reads a product (or some of its configs) into a versioned document that refers to
everything by name and key; ``plan`` compares a document with a target product; ``apply``
makes the target equal to it, resumably and idempotently. ``promote`` copies values between
environments (or configs) through the same plan, and ``diff_environments`` / ``diff_products``
compare them. ``bulk_set`` sets or toggles many flags chosen by key pattern or tag, going on
past a failed write and reporting it. The product's preferences (:mod:`.preferences`) travel
with the document and are written after the values; a product with two tags or configs of one
name, or value writes its preferences would refuse, stop a workflow before its first write
(:mod:`.guards`). The document's JSON Schema is
``schema()`` (the file ``product.schema.json`` of this package).
"""

from configcat_publicapi.workflows.bulk import TOGGLE, BulkResult, bulk_set, with_values
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
from configcat_publicapi.workflows.guards import (
    AmbiguousNameError,
    ApprovalRequiredError,
    ReasonRequiredError,
    WritesRefusedError,
)
from configcat_publicapi.workflows.plan import (
    ApplyResult,
    Change,
    Plan,
    apply,
    canonical,
    plan,
    run_plan,
)
from configcat_publicapi.workflows.promote import (
    ValueDiff,
    diff_environments,
    diff_products,
    promote,
    promoted,
)

__all__ = [
    "FORMAT",
    "TOGGLE",
    "VERSION",
    "AmbiguousNameError",
    "ApplyResult",
    "ApprovalRequiredError",
    "BulkResult",
    "Change",
    "DocumentError",
    "Plan",
    "ReasonRequiredError",
    "Snapshot",
    "ValueDiff",
    "WritesRefusedError",
    "apply",
    "bulk_set",
    "canonical",
    "check_document",
    "diff_environments",
    "diff_products",
    "dumps",
    "export",
    "load",
    "loads",
    "plan",
    "problems",
    "promote",
    "promoted",
    "run_plan",
    "schema",
    "snapshot",
    "with_values",
]
