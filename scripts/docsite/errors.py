"""The errors page, the settings page and the index of every error message in the code.

Exceptions are found as subclasses of ``ConfigCatError`` (plus the fake's own that reach a
user), so a new one appears by itself. Settings are read from ``_constants.py`` with their
``#:`` comments. Messages are the string of every ``raise SomeError("...")`` and
``parser.error("...")`` in the overlay and the fake, read with ``ast``: the troubleshooting
guide links to this index rather than copying a message that could change.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from dataclasses import dataclass
from functools import cache

from scripts.docsite.spec import ROOT

ERRORS_PAGE = "reference/errors.md"
SETTINGS_PAGE = "reference/settings.md"
MESSAGES_PAGE = "reference/error-messages.md"

#: Modules whose import registers every public exception class.
_EXCEPTION_MODULES = (
    "configcat_publicapi",
    "configcat_publicapi.workflows",
    "configcat_publicapi.webhooks",
)
#: The fake's exceptions a user's code or shell meets (the rest become HTTP answers), found by
#: name in whichever module of the package holds them.
_FAKE_EXCEPTIONS = (
    "SpecNotFoundError",
    "StateFileError",
    "ConfigCatConnectionBlocked",
    "ConnectionDropped",
)
#: Where the messages are read from; ``_sync/`` is derived from ``_async/``, so left out.
_SOURCES = (ROOT / "overlay" / "configcat_publicapi", ROOT / "mock_server" / "configcat_mock")


def _public_path(cls: type) -> str:
    """The shortest importable path of a class (``configcat_publicapi.NotFoundError``)."""
    module = cls.__module__
    parts = module.split(".")
    for end in range(1, len(parts) + 1):
        candidate = ".".join(parts[:end])
        try:
            if getattr(importlib.import_module(candidate), cls.__name__, None) is cls:
                return f"{candidate}.{cls.__name__}"
        except ImportError:  # pragma: no cover - every prefix of an imported module imports
            continue
    return f"{module}.{cls.__name__}"


@cache
def exception_classes() -> tuple[type[BaseException], ...]:
    """Every public ``ConfigCatError`` subclass, then the fake's user-facing exceptions.

    A subclass counts when a public module holds it: the command's own errors (in the private
    ``configcat_publicapi._cli``, which turns them into its one-line messages) are subclasses
    too once something has imported the command, and the list must not depend on that."""
    for name in _EXCEPTION_MODULES:
        importlib.import_module(name)
    from configcat_publicapi import ConfigCatError

    found: list[type[BaseException]] = []

    def walk(cls: type[BaseException]) -> None:
        public = not any(part.startswith("_") for part in _public_path(cls).split("."))
        if public:
            found.append(cls)
        for sub in sorted(cls.__subclasses__(), key=lambda c: c.__name__):
            walk(sub)

    walk(ConfigCatError)
    fake = _fake_classes()
    found += [fake[name] for name in _FAKE_EXCEPTIONS]
    return tuple(found)


def _fake_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in the fake's package, by name."""
    import pkgutil

    import configcat_mock

    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(configcat_mock.__path__, "configcat_mock."):
        if info.name.endswith(("__main__", "pytest_plugin")):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found[value.__name__] = value
    return found


def _depth(cls: type[BaseException]) -> int:
    from configcat_publicapi import ConfigCatError

    if not issubclass(cls, ConfigCatError):
        return 0
    return len([base for base in cls.__mro__ if issubclass(base, ConfigCatError)]) - 1


def render_errors() -> str:
    """The errors page: the hierarchy, then each class's docstring."""
    classes = exception_classes()
    lines = [
        "# Errors",
        "",
        "Every error the client and the workflows raise is a `ConfigCatError`; a non-2xx "
        "answer raises the `APIStatusError` subclass of its status, with `status_code`, "
        '`method`, `url`, `text` and `field_errors` (the service\'s `{"Field": ["message"]}` '
        "validation messages). Every message is redacted: no password, SDK key or "
        "`Authorization` value. The [message index](error-messages.md) lists every message "
        "the code raises; [Troubleshooting](../guides/troubleshooting.md) says what to do.",
        "",
        "## Hierarchy",
        "",
    ]
    for cls in classes:
        if _depth(cls) == 0 and cls.__module__.startswith("configcat_mock"):
            continue
        lines.append(f"{'    ' * _depth(cls)}- [`{cls.__name__}`](#{cls.__name__.lower()})")
    lines += ["", "The fake's own, met in tests and shells:", ""]
    for cls in classes:
        if cls.__module__.startswith("configcat_mock"):
            bases = ", ".join(base.__name__ for base in cls.__bases__)
            lines.append(f"- [`{cls.__name__}`](#{cls.__name__.lower()}) ({bases})")
    lines.append("")
    for cls in classes:
        doc = inspect.getdoc(cls) or ""
        bases = ", ".join(f"`{base.__name__}`" for base in cls.__bases__)
        lines += [
            f"## `{cls.__name__}` {{ #{cls.__name__.lower()} }}",
            "",
            f"`{_public_path(cls)}`, a subclass of {bases}.",
            "",
            doc,
            "",
        ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Setting:
    """A constant of ``_constants.py``: its name, source text and comment."""

    section: str
    name: str
    value: str
    comment: str


def settings() -> list[Setting]:
    """The overlay's constants with their ``#:`` comments, in file order."""
    path = ROOT / "overlay" / "configcat_publicapi" / "_constants.py"
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    section = "General"
    tree = ast.parse(source)
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            continue
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        if not isinstance(target, ast.Name) or node.value is None:
            continue
        comment: list[str] = []
        index = node.lineno - 2
        while index >= 0 and lines[index].startswith("#:"):
            comment.insert(0, lines[index][2:].strip())
            index -= 1
        for earlier in range(node.lineno - 2, -1, -1):
            text = lines[earlier]
            if text.startswith("# ---"):
                section = text.strip("# -").capitalize()
                break
        value = ast.get_source_segment(source, node.value) or ""
        found.append(Setting(section, target.id, " ".join(value.split()), " ".join(comment)))
    return found


def render_settings() -> str:
    """The settings page: retries, rate limits and the other defaults, from the source."""
    lines = [
        "# Retry, rate-limit and other defaults",
        "",
        "The numbers the client works with, as `configcat_publicapi/_constants.py` sets them. "
        "Change them per client: `ConfigCatClient(max_retries=..., retry=RetryPolicy(...), "
        "rate_limit=[(20, 1.0), (500, 60.0)], timeout=...)`, or `cc.with_options(...)` for a "
        "copy that shares the connection pool and the limiter. See "
        "[RetryPolicy](python/client.md#configcat_publicapi.RetryPolicy) and "
        "[Rate limits and retries](../guides/rate-limits-and-retries.md).",
        "",
    ]
    section = None
    for setting in settings():
        if setting.section != section:
            section = setting.section
            lines += ["", f"## {section}", "", "| name | value | meaning |", "| --- | --- | --- |"]
        value = setting.value.replace("|", "\\|")
        comment = setting.comment.replace("|", "\\|")
        lines.append(f"| `{setting.name}` | `{value}` | {comment} |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Message:
    """One message the code raises: the exception, its text, where."""

    raised: str
    text: str
    where: str


def _template(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(str(part.value))
            elif isinstance(part, ast.FormattedValue):
                out.append("{" + ast.unparse(part.value) + "}")
        return "".join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        if left is not None or right is not None:
            return (left or "…") + (right or "…")
    return None


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


@cache
def messages() -> tuple[Message, ...]:
    """Every literal message raised in the overlay and the fake."""
    found = []
    for source in _SOURCES:
        for path in sorted(source.rglob("*.py")):
            if "_sync" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                call: ast.Call | None = None
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                    call = node.exc
                elif isinstance(node, ast.Call) and _callee(node) == "error":
                    call = node  # parser.error("...")
                if call is None:
                    continue
                name = _callee(call)
                texts = [t for t in (_template(arg) for arg in call.args) if t]
                if not texts or not name:
                    continue
                where = f"{path.relative_to(ROOT)}:{call.lineno}"
                raised = "argparse error (exit 2)" if name == "error" else name
                found.append(Message(raised, texts[-1], where))
    return tuple(found)


def render_messages() -> str:
    """The message index, grouped by what raises it."""
    grouped: dict[str, list[Message]] = {}
    for message in messages():
        grouped.setdefault(message.raised, []).append(message)
    lines = [
        "# Error messages",
        "",
        f"Every message the client, the workflows, the commands and the fake raise "
        f"({len(messages())} of them), read from the source; `{{...}}` stands for a value "
        "filled in when it is raised. [Troubleshooting](../guides/troubleshooting.md) gives "
        "the cause and the fix of the ones met most.",
        "",
    ]
    for raised in sorted(grouped):
        lines += [f"## `{raised}`", "", "| message | where |", "| --- | --- |"]
        for message in grouped[raised]:
            text = " ".join(message.text.split()).replace("|", "\\|").replace("`", "'")
            lines.append(f"| `{text}` | `{message.where}` |")
        lines.append("")
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """The errors, settings and message pages."""
    return {
        ERRORS_PAGE: render_errors(),
        SETTINGS_PAGE: render_settings(),
        MESSAGES_PAGE: render_messages(),
    }
