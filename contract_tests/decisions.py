"""Where the pinned spec and the service's documented behaviour disagree: one place, with reasons.

Every adjustment the contract suite makes to schemathesis' checks is here, so a reader can
see at once what the suite does not hold the target to, and why.
"""

from __future__ import annotations

from typing import Any

# Documented responses without a body: the spec documents 400, 404 and 429 with no content
# and no headers, while the service answers 400 with a JSON body of field errors
# (``{"Field": ["message"]}``), 401 with a message and 429 with ``Retry-After``.
# Schemathesis' content-type and schema checks only apply where the spec documents content,
# so such bodies pass as they should; nothing is turned off for them, and the responses
# :func:`amend_spec` adds carry no content either.

#: Rate limiting is the service's own behaviour: any request can meet a 429 once a client
#: goes over the limits (20/s and 500/min per endpoint), whatever its data. The spec documents
#: 429 on every operation, so status conformance needs no exception, and every acceptance
#: list below takes it too: a run that meets the limits reports the 429s it met (the summary
#: counts them per operation), never a failure. Live runs also wait and retry a 429.
RATE_LIMITED = 429

#: A valid request can still name a resource that does not exist: generated identifiers are
#: random, so 404 is an accepted answer to positive data.
POSITIVE_DATA_STATUSES: list[int | str] = ["2XX", 404, RATE_LIMITED]

#: State. On a mock target every single-call case (examples, coverage and fuzzing phases)
#: meets the mock's start state (``Target.fresh_state``): no case meets what an earlier one
#: left, so those phases stay strict and take no state-dependent answer. A read-only live
#: run sends no writes, so its state does not change under it either. Two places do meet
#: state left by earlier calls, and there schema-valid data can be refused with 400 and a
#: field error (a name already in use, a segment still used by a rule, removing oneself from
#: the organization), which no schema can express:
#:
#: - the stateful phase, whose call sequences build on each other, on every target;
#: - on live write runs (``CONTRACT_WRITE=1``), the writes of the single-call phases, which
#:   all go to the one sandbox product (the service cannot be reset).
#:
#: Only there positive data may also be answered 400; reads never.
STATE_DEPENDENT_POSITIVE_DATA_STATUSES: list[int | str] = ["2XX", 400, 404, RATE_LIMITED]
WRITE_METHODS_REGEX = "^(POST|PUT|PATCH|DELETE)$"

#: Negative data must be refused with a client error; the service uses 400 for schema errors,
#: 401 for missing or broken credentials (see below) and 404 when a malformed identifier
#: cannot name a resource (ids are part of the path).
NEGATIVE_DATA_STATUSES: list[int | str] = [400, 401, 404, 405, 422, RATE_LIMITED]

#: Authentication. The spec documents no 401 on any operation, yet the service answers 401
#: to a request without valid credentials, on every operation. The suite documents it (see
#: :func:`amend_spec`) and lets negative data drop and break the Authorization header on every
#: operation: such a request answered 2xx fails ``negative_data_rejection``, and valid
#: credentials answered 401 fail ``positive_data_acceptance``. ``ignored_auth`` also repeats
#: a successful call without credentials and expects 401 or 403.
GENERATE_SECURITY_PARAMETERS = True


#: Some operations document only 200 and 429, yet the service validates their input and
#: looks up the resources their path names like every other operation: a malformed
#: identifier or body answers 400, an unknown one 404. The suite documents those two
#: answers, with no body schema, on the operations whose spec leaves them out.
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


#: The service binds an empty optional query value (``?productId=``) to "no value", as
#: ASP.NET model binding does, rather than refusing it for its format. The suite documents
#: the empty string as an accepted value of optional query parameters that carry a format.
EMPTY_OPTIONAL_QUERY_ACCEPTED = True


def amend_spec(doc: dict[str, Any]) -> list[str]:
    """Apply the documentation decisions above in place; return what was changed."""
    added = []
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            responses = op.setdefault("responses", {})
            params = [*item.get("parameters", []), *op.get("parameters", [])]
            has_input = bool(params) or "requestBody" in op
            in_path = any(p.get("in") == "path" for p in params) or "{" in path
            for param in params:
                schema = param.get("schema", {})
                optional_query = param.get("in") == "query" and not param.get("required")
                formatted = schema.get("type") == "string" and "format" in schema
                if EMPTY_OPTIONAL_QUERY_ACCEPTED and optional_query and formatted:
                    param["schema"] = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
                    added.append(f"{method.upper()} {path} ?{param['name']}= empty")
            secured = bool(op.get("security", doc.get("security")))
            for status, needed, why in (
                ("400", has_input, "malformed input"),
                ("401", secured, "missing or invalid credentials"),
                ("404", in_path, "unknown resource"),
            ):
                if needed and status not in responses:
                    responses[status] = {"description": f"{why} (added by the contract suite)"}
                    added.append(f"{method.upper()} {path} {status}")
    return added


def generation_overrides() -> dict[str, Any]:
    """The ``generation`` settings that apply the decisions above."""
    return {"with-security-parameters": GENERATE_SECURITY_PARAMETERS}


def _state_dependent() -> dict[str, Any]:
    accept = {"expected-statuses": STATE_DEPENDENT_POSITIVE_DATA_STATUSES}
    return {"checks": {"positive_data_acceptance": accept}}


def phase_overrides() -> dict[str, Any]:
    """The per-phase settings that apply the decisions above."""
    return {"stateful": _state_dependent()}


def operation_overrides(*, live_write: bool) -> list[dict[str, Any]]:
    """Per-operation settings (schemathesis' ``[[operations]]``) that apply the decisions above:
    on live write runs the single-call writes share the sandbox's state."""
    if not live_write:
        return []
    return [{"include-method-regex": WRITE_METHODS_REGEX, **_state_dependent()}]


def check_overrides() -> dict[str, Any]:
    """The ``checks`` section that applies the decisions above."""
    return {
        "positive_data_acceptance": {"expected-statuses": POSITIVE_DATA_STATUSES},
        "negative_data_rejection": {"expected-statuses": NEGATIVE_DATA_STATUSES},
    }
