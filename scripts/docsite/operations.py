"""One reference page per client namespace: every operation, from the client and the spec.

The generated namespace classes (``configcat_publicapi_client.api.<tag>``) say what a user
calls: the method, its parameters and types, its result, whether it pages. The spec says what
the service does: summary, description, what each parameter means. The spec's own links to
other operations (``#operation/get-products``) and sections (``#tag/Products``) become links
to the page and anchor of the client method they name.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from configcat_publicapi._namespace import AsyncOperation, Namespace, Operation
from configcat_publicapi_client.api import NAMESPACES
from scripts.docsite import spec
from scripts.docsite.models import link_types

PAGE_DIR = "reference/operations"


@dataclass(frozen=True)
class ClientOperation:
    """One operation as the client exposes it, with the spec's record of it."""

    namespace: str
    method: str
    sync: type[Operation]
    async_: type[AsyncOperation]
    spec: spec.SpecOperation

    @property
    def page(self) -> str:
        """The page's path under the docs folder."""
        return f"{PAGE_DIR}/{self.namespace}.md"

    @property
    def paged(self) -> bool:
        """Whether it has ``.paginate()``."""
        return "paginate" in vars(self.sync)


@cache
def namespaces() -> dict[str, list[ClientOperation]]:
    """Namespace attribute -> its operations in the namespace's order (aliases left out)."""
    by_endpoint = spec.operations()
    found: dict[str, list[ClientOperation]] = {}
    for attribute, folder in NAMESPACES.items():
        module = importlib.import_module(f"configcat_publicapi_client.api.{folder}")
        namespace_class = next(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Namespace)
            and value.__module__ == module.__name__
        )
        if namespace_class._name != attribute:  # an alias such as ``flags``
            continue
        sync = _operation_classes(module, Operation)
        async_ = _operation_classes(module, AsyncOperation)
        found[attribute] = [
            ClientOperation(
                namespace=attribute,
                method=method,
                sync=sync[f"{attribute}.{method}"],
                async_=async_[f"{attribute}.{method}"],
                spec=by_endpoint[sync[f"{attribute}.{method}"].endpoint],
            )
            for method in namespace_class._operation_names
        ]
    return found


def aliases() -> dict[str, str]:
    """Alias attribute -> the namespace it stands for (``flags`` -> ``settings``)."""
    primary = {folder: name for name, folder in NAMESPACES.items() if name in namespaces()}
    found = namespaces()
    return {name: primary[folder] for name, folder in NAMESPACES.items() if name not in found}


def all_operations() -> Iterator[ClientOperation]:
    """Every operation of every namespace."""
    for operations in namespaces().values():
        yield from operations


def _operation_classes(module: Any, base: type[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for value in vars(module).values():
        name = getattr(value, "name", None) if isinstance(value, type) else None
        if name and issubclass(value, base):
            found[name] = value
    return found


# -- links in the spec's prose ------------------------------------------------------------------


@cache
def _targets() -> tuple[dict[str, ClientOperation], dict[str, str]]:
    by_id = {op.spec.operation_id: op for op in all_operations()}
    by_tag: dict[str, str] = {}
    for op in all_operations():
        by_tag.setdefault(spec.tag_slug(op.spec.tag), op.namespace)
    return by_id, by_tag


def rewrite_anchors(text: str, from_dir: str = PAGE_DIR) -> str:
    """The spec's ``](#operation/x)`` and ``](#tag/y)`` links, pointed at this site's pages."""
    by_id, by_tag = _targets()
    prefix = _relative(from_dir, PAGE_DIR)

    def operation(match: re.Match[str]) -> str:
        target = by_id.get(match.group(1))
        if target is None:
            return match.group(0)
        return f"]({prefix}{target.namespace}.md#{target.method})"

    def tag(match: re.Match[str]) -> str:
        namespace = by_tag.get(spec.tag_slug(match.group(1)))
        return match.group(0) if namespace is None else f"]({prefix}{namespace}.md)"

    text = re.sub(r"\]\(#operation/([^)\s]+)\)", operation, text)
    return re.sub(r"\]\(#tag/([^)\s]+)\)", tag, text)


def _relative(from_dir: str, to_dir: str) -> str:
    if from_dir == to_dir:
        return ""
    depth = from_dir.count("/") + 1
    return "../" * depth + to_dir + "/"


# -- rendering ----------------------------------------------------------------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).replace("-", "_").lower()


def _signature(fn: Any) -> inspect.Signature:
    signature = inspect.signature(fn)  # annotations stay strings (postponed evaluation)
    params = list(signature.parameters.values())[1:]
    return signature.replace(parameters=params)


def _call_text(prefix: str, signature: inspect.Signature) -> str:
    params = list(signature.parameters.values())
    if not params:
        return f"{prefix}() -> {signature.return_annotation}"
    lines = []
    keyword_only = False
    for param in params:
        if param.kind is inspect.Parameter.KEYWORD_ONLY and not keyword_only:
            lines.append("    *,")
            keyword_only = True
        text = f"    {param.name}: {param.annotation}"
        if param.default is not inspect.Parameter.empty:
            text += f" = {_default(param.default)}"
        lines.append(text + ",")
    body = "\n".join(lines)
    return f"{prefix}(\n{body}\n) -> {signature.return_annotation}"


def _default(value: Any) -> str:
    text = repr(value)
    return "UNSET" if text.startswith("<") and "Unset" in type(value).__name__ else text


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _parameter_rows(op: ClientOperation, signature: inspect.Signature) -> list[str]:
    described = {_snake(p["name"]): p for p in op.spec.parameters if p.get("in") != "header"}
    rows = []
    for param in signature.parameters.values():
        if param.name == "body":
            where, text = "body", (op.spec.request_body or {}).get("description", "")
        else:
            record = described.get(param.name, {})
            where, text = record.get("in", ""), record.get("description", "")
        required = "yes" if param.default is inspect.Parameter.empty else "no"
        kind = link_types(str(param.annotation), from_dir=PAGE_DIR)
        rows.append(f"| `{param.name}` | {kind} | {where} | {required} | {_cell(text)} |")
    return rows


def render_operation(op: ClientOperation) -> str:
    """The section of one operation."""
    signature = _signature(op.sync.__call__)
    result = str(signature.return_annotation)
    name = f"{op.namespace}.{op.method}"
    parts = [
        f"## `{op.method}` {{ #{op.method} }}",
        "",
        f"**{op.spec.summary}** · `{op.spec.method.upper()} {op.spec.path}` · "
        f"operation id `{op.spec.operation_id}`",
        "",
        "```python",
        _call_text(f"cc.{name}", signature),
        "```",
        "",
    ]
    rows = _parameter_rows(op, signature)
    if rows:
        parts += [
            "| parameter | type | in | required | description |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
        ]
    parts += [
        f"Returns {link_types(result, from_dir=PAGE_DIR)}; a non-2xx answer raises the "
        "[error of its status](../errors.md).",
        "",
    ]
    description = rewrite_anchors(op.spec.description.strip())
    if description:
        parts += [_demote_headings(description), ""]
    forms = [
        "| form | call | gives |",
        "| --- | --- | --- |",
        f"| sync | `cc.{name}(...)` | {link_types(result, from_dir=PAGE_DIR)} |",
        f"| async | `await acc.{name}(...)` | {link_types(result, from_dir=PAGE_DIR)} |",
        f"| whole response | `cc.{name}.raw(...)`, `await acc.{name}.raw(...)` | "
        "[`RawResponse`](../python/client.md#configcat_publicapi.RawResponse) |",
    ]
    if op.paged:
        item = str(inspect.signature(vars(op.sync)["paginate"]).return_annotation)
        item = item.removeprefix("Iterator[").removesuffix("]")
        gives = link_types(item, from_dir=PAGE_DIR)
        forms.append(
            f"| every item of every page | `for item in cc.{name}.paginate(...)`, "
            f"`async for item in acc.{name}.paginate(...)` | {gives} |"
        )
    parts += forms
    return "\n".join(parts) + "\n"


def _demote_headings(text: str) -> str:
    # the spec's prose sits under an operation's heading: its own headings go below it
    return re.sub(r"^(#{1,3}) ", lambda m: "###" + m.group(1) + " ", text, flags=re.MULTILINE)


def render_namespace(namespace: str) -> str:
    """The page of one namespace."""
    operations = namespaces()[namespace]
    tag = operations[0].spec.tag
    alias_names = [alias for alias, target in aliases().items() if target == namespace]
    about = rewrite_anchors(spec.tags().get(tag, "").strip())
    lines = [
        f"# `{namespace}`",
        "",
        f"`cc.{namespace}` and `acc.{namespace}`: the spec's **{tag}** operations"
        + (f" (also `cc.{alias_names[0]}`)" if alias_names else "")
        + f", {len(operations)} of them. `cc` is a "
        "[`ConfigCatClient`](../python/client.md#configcat_publicapi.ConfigCatClient), `acc` an "
        "[`AsyncConfigCatClient`](../python/client.md#configcat_publicapi.AsyncConfigCatClient).",
        "",
    ]
    if about:
        lines += [about, ""]
    lines += ["| method | endpoint | summary |", "| --- | --- | --- |"]
    lines += [
        f"| [`{op.method}`](#{op.method}) | `{op.spec.method.upper()} {op.spec.path}` | "
        f"{_cell(op.spec.summary)} |"
        for op in operations
    ]
    lines.append("")
    lines += [render_operation(op) for op in operations]
    return "\n".join(lines)


def render_index() -> str:
    """The operations' overview: every namespace with its count."""
    total = sum(len(ops) for ops in namespaces().values())
    lines = [
        "# Client operations",
        "",
        f"Every one of the API's {total} operations is a method of the client's namespace for "
        "its resource. Path values are positional, query values and `body=` keyword-only; each "
        "method has its `async` twin on `AsyncConfigCatClient`, a `.raw()` form that returns "
        "the whole response, and, for list operations that page, `.paginate()`.",
        "",
        "| namespace | operations | spec section |",
        "| --- | --- | --- |",
    ]
    for namespace, operations in namespaces().items():
        lines.append(
            f"| [`{namespace}`]({namespace}.md) | {len(operations)} | {operations[0].spec.tag} |"
        )
    for alias, target in aliases().items():
        lines.append(f"| `{alias}` | the same as [`{target}`]({target}.md) | |")
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """Path under ``docs/`` -> Markdown, for the index and every namespace."""
    found = {f"{PAGE_DIR}/index.md": render_index()}
    for namespace in namespaces():
        found[f"{PAGE_DIR}/{namespace}.md"] = render_namespace(namespace)
    return found
