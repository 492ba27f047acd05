"""``NotGiven``: the typed default of arguments whose absence means "keep what it was".

``None`` cannot play that part where ``None`` is itself a value (``with_options(reason=None)``
drops the default reason), and an ``Any``-typed ``object()`` hides the real types from type
checkers. ``NOT_GIVEN`` is the one instance; test for it with ``isinstance(x, NotGiven)``,
which also narrows the type.
"""

from __future__ import annotations

from typing import Final, Literal


class NotGiven:
    """The type of :data:`NOT_GIVEN`: an argument the caller left out."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


#: The default of every "keep what it was" argument.
NOT_GIVEN: Final = NotGiven()
