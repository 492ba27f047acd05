"""Reading a document's text, bounded: every unreadable file is one line naming its place.

A document comes from people and pipelines, so reading it is bounded before anything walks it:

- the text is UTF-8 (an invalid byte is named by line and column);
- it nests at most :data:`MAX_DEPTH` levels (the deepest item of a product document, a
  comparison value's list entry, is 16 levels down): deeper lists or mappings are refused
  where they pass the limit, before any recursive walk could overflow Python's stack;
- YAML aliases (``*name``) together repeat at most :data:`MAX_ALIASED_VALUES` values, and an
  alias inside its own anchor is refused: PyYAML hands back one shared object per anchor, so
  an "alias bomb" costs nothing to parse but 10^9 values to every later walk (the schema check,
  the plan, a dump);
- a mapping key written twice is refused (YAML and JSON), never last-wins.

The YAML reader is PyYAML's safe loader with its composer counting depth and aliased values
as it builds each node; it parses with libyaml when PyYAML has it (a 50 MB scalar takes
under a second instead of half a minute). Keeping PyYAML rather than another parser keeps
the ``workflows`` extra as it is.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from configcat_publicapi.workflows.document import EXTRA_HINT, DocumentError, shown

MAX_DEPTH = 64
"""The deepest nesting of lists and mappings a document may have."""
MAX_ALIASED_VALUES = 100_000
"""How many values YAML aliases may repeat in one document, all aliases together."""

# a JSON string (escapes included) or one bracket: enough to measure nesting outside strings
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]|[\]}]')


class SourceError(DocumentError):
    """A file that cannot be read as a document, at ``source:line:column``."""

    def __init__(self, source: str, line: int | None, column: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.column = column
        where = source if line is None else f"{source}:{line}:{column}"
        super().__init__(where, message)


def _place(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of the character at ``offset``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode(data: bytes, source: str) -> str:
    """``data`` as UTF-8 text; else :class:`SourceError` at the first invalid byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        column = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise SourceError(source, line, column, f"not UTF-8 text (byte 0x{bad})") from None


def parse(text: str, source: str, *, fmt: str = "auto") -> Any:
    """Parse ``text`` (``json``, ``yaml``, or ``auto``: JSON when it starts with ``{``)."""
    if fmt == "json" or (fmt == "auto" and text.lstrip().startswith("{")):
        return parse_json(text, source)
    return parse_yaml(text, source)


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _not_finite(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number JSON or the service can hold")


def parse_json(text: str, source: str) -> Any:
    """JSON, refused when it nests too deep or repeats a key in one object."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _place(text, match.start())
                raise SourceError(source, line, column, f"nested deeper than {MAX_DEPTH} levels")
        elif bracket in "]}":
            depth -= 1
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_not_finite)
    except json.JSONDecodeError as exc:
        raise SourceError(source, exc.lineno, exc.colno, f"not JSON: {exc.msg}") from None
    except _Duplicate as exc:
        raise SourceError(
            source, None, None, f"key {shown(exc.key)} appears twice in one object"
        ) from None
    except ValueError as exc:
        raise SourceError(source, None, None, f"not JSON: {exc}") from None


def _yaml() -> Any:
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - the extra is installed in development
        raise ImportError(f"YAML documents need PyYAML: {EXTRA_HINT}") from exc
    return yaml


def _loader_class(*, pure: bool = False) -> type[Any]:
    """PyYAML's safe loader, with the composer counting depth and aliased values.

    It parses with libyaml unless PyYAML lacks it or ``pure`` asks for PyYAML's own parser.
    """
    yaml = _yaml()
    from yaml.composer import Composer  # type: ignore[import-untyped]
    from yaml.constructor import SafeConstructor  # type: ignore[import-untyped]
    from yaml.resolver import Resolver  # type: ignore[import-untyped]

    try:
        from yaml.cyaml import CParser  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - PyYAML's wheels carry libyaml
        CParser = None

    class BoundedComposer(Composer):  # type: ignore[misc]
        def _bounded_init(self, source: str) -> None:
            self.source = source
            self.depth = 0
            self.aliased = 0
            self.sizes: dict[int, int] = {}
            """id(node) -> values it stands for, its nested aliases expanded"""

        def _refuse(self, mark: Any, message: str) -> NoReturn:
            raise SourceError(self.source, mark.line + 1, mark.column + 1, message)

        def compose_node(self, parent: Any, index: Any) -> Any:
            loader: Any = self  # a loader: the parser's methods are on the class beside this
            event = loader.peek_event()
            if isinstance(event, yaml.AliasEvent):
                node = self.anchors.get(event.anchor)
                if node is not None:
                    size = self.sizes.get(id(node))
                    if size is None:
                        self._refuse(
                            event.start_mark, f"alias *{event.anchor} is inside its own anchor"
                        )
                    self.aliased += size
                    if self.aliased > MAX_ALIASED_VALUES:
                        self._refuse(
                            event.start_mark,
                            f"aliases repeat more than {MAX_ALIASED_VALUES:,} values",
                        )
                return super().compose_node(parent, index)
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self._refuse(event.start_mark, f"nested deeper than {MAX_DEPTH} levels")
            composed: Any = super().compose_node(parent, index)
            self.depth -= 1
            size = 1
            if isinstance(composed.value, list):
                for item in composed.value:
                    for child in item if isinstance(item, tuple) else (item,):
                        size += self.sizes[id(child)]
            self.sizes[id(composed)] = size
            return composed

    class UniqueKeys(SafeConstructor):  # type: ignore[misc]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: set[Any] = set()
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue  # merged keys may be overridden: YAML's own rule
                    key = self.construct_object(key_node, deep=True)
                    try:
                        repeated = key in seen
                    except TypeError:
                        continue  # an unhashable key: the constructor names it
                    if repeated:
                        mark = key_node.start_mark
                        message = f"key {shown(key)} appears twice in one mapping"
                        loader: Any = self  # a loader: the composer keeps the source
                        raise SourceError(loader.source, mark.line + 1, mark.column + 1, message)
                    seen.add(key)
            return super().construct_mapping(node, deep=deep)

    if CParser is not None and not pure:

        class Loader(CParser, BoundedComposer, UniqueKeys, Resolver):  # type: ignore[misc]
            get_single_node = Composer.get_single_node
            check_node = Composer.check_node
            get_node = Composer.get_node

            def __init__(self, stream: Any, source: str) -> None:
                CParser.__init__(self, stream)
                UniqueKeys.__init__(self)
                Resolver.__init__(self)
                self.anchors: dict[str, Any] = {}
                self._bounded_init(source)

        return Loader

    from yaml.parser import Parser  # type: ignore[import-untyped]
    from yaml.reader import Reader  # type: ignore[import-untyped]
    from yaml.scanner import Scanner  # type: ignore[import-untyped]

    class PureLoader(Reader, Scanner, Parser, BoundedComposer, UniqueKeys, Resolver):  # type: ignore[misc]
        def __init__(self, stream: Any, source: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            UniqueKeys.__init__(self)
            Resolver.__init__(self)
            self._bounded_init(source)

    return PureLoader


_LOADER: list[type[Any]] = []


def parse_yaml(text: str | bytes, source: str) -> Any:
    """YAML (one document), bounded as the module says; errors as one line with the place.

    ``text`` may be the file's UTF-8 bytes (checked by :func:`decode` first): libyaml reads
    them as they are, without a second copy of a large file.
    """
    yaml = _yaml()
    if not _LOADER:
        _LOADER.append(_loader_class())
    loader = None
    try:
        loader = _LOADER[0](text, source)
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "unreadable").split())
        if mark is None:
            raise SourceError(source, None, None, f"not YAML: {problem}") from None
        raise SourceError(source, mark.line + 1, mark.column + 1, f"not YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        # libyaml counts the offset in UTF-8 bytes, PyYAML's own reader in characters
        if loader is None or hasattr(loader, "peek"):
            chars = text if isinstance(text, str) else text.decode("utf-8")
            head = chars[: exc.position]
        else:
            data = text if isinstance(text, bytes) else text.encode("utf-8")
            head = data[: exc.position].decode("utf-8", "replace")
        line, column = _place(head, len(head))
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"not YAML: the character U+{char:04X} is not allowed"
        raise SourceError(source, line, column, message) from None
    except yaml.YAMLError as exc:
        raise SourceError(source, None, None, f"not YAML: {' '.join(str(exc).split())}") from None
    finally:
        if loader is not None:
            loader.dispose()
