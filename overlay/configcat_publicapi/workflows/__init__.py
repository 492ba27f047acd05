"""Workflows over many calls: a product as a portable document, planned and applied.

``export`` reads a product (or some of its configs) into a versioned document that refers to
everything by name and key; ``plan`` compares a document with a target product; ``apply``
makes the target equal to it, resumably and idempotently. ``promote`` copies values between
environments (or configs) through the same plan, and ``diff_environments`` / ``diff_products``
compare them. ``bulk_set`` sets or toggles many flags chosen by key pattern or tag, going on
past a failed write and reporting it. The product's preferences (:mod:`.preferences`) travel
with the document and are written after the values; a product with two tags or configs of one
name, or value writes its preferences would refuse, stop a workflow before its first write
(:mod:`.guards`); a filter that chooses no flag raises :class:`NothingMatchedError`. The
document's JSON Schema is ``schema()`` (the file ``product.schema.json`` of this package).
A plan can be saved and applied later exactly, or refused when the product moved
(:mod:`.saved`, :class:`SavedPlan`, :class:`PlanOutdatedError`); :mod:`.describe` says each
change in words.

Each function that calls the service takes a :class:`~configcat_publicapi.ConfigCatClient`;
its ``async_`` twin (``async_export``, ``async_apply``, ...) takes an
:class:`~configcat_publicapi.AsyncConfigCatClient` and does the same, call for call (it is the
source the sync code is derived from). Documents, plans and diffs are plain data, shared by both.
"""

from configcat_publicapi.workflows._async.apply import apply as async_apply
from configcat_publicapi.workflows._async.apply import plan as async_plan
from configcat_publicapi.workflows._async.apply import run_plan as async_run_plan
from configcat_publicapi.workflows._async.bulk import bulk_set as async_bulk_set
from configcat_publicapi.workflows._async.export import export as async_export
from configcat_publicapi.workflows._async.export import snapshot as async_snapshot
from configcat_publicapi.workflows._async.promote import diff_products as async_diff_products
from configcat_publicapi.workflows._async.promote import promote as async_promote
from configcat_publicapi.workflows._sync.apply import apply, plan, run_plan
from configcat_publicapi.workflows._sync.bulk import bulk_set
from configcat_publicapi.workflows._sync.export import export, snapshot
from configcat_publicapi.workflows._sync.promote import diff_products, promote
from configcat_publicapi.workflows.bulk import TOGGLE, BulkResult, with_values
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
from configcat_publicapi.workflows.export import Snapshot
from configcat_publicapi.workflows.guards import (
    AmbiguousNameError,
    ApprovalRequiredError,
    NothingMatchedError,
    ReasonRequiredError,
    WritesRefusedError,
)
from configcat_publicapi.workflows.plan import ApplyResult, Change, Plan, Progress, canonical
from configcat_publicapi.workflows.promote import ValueDiff, diff_environments, promoted
from configcat_publicapi.workflows.saved import (
    PlanOutdatedError,
    SavedPlan,
    plan_schema,
    read_saved,
    write_saved,
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
    "NothingMatchedError",
    "Plan",
    "PlanOutdatedError",
    "Progress",
    "ReasonRequiredError",
    "SavedPlan",
    "Snapshot",
    "ValueDiff",
    "WritesRefusedError",
    "apply",
    "async_apply",
    "async_bulk_set",
    "async_diff_products",
    "async_export",
    "async_plan",
    "async_promote",
    "async_run_plan",
    "async_snapshot",
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
    "plan_schema",
    "problems",
    "promote",
    "promoted",
    "read_saved",
    "run_plan",
    "schema",
    "snapshot",
    "with_values",
    "write_saved",
]
