"""Errors a handler raises; the app turns each into the service's answer."""

from __future__ import annotations

from typing import Any


class MockHTTPError(Exception):
    """An answer other than success: a status and a JSON body (or text)."""

    status: int = 500

    def __init__(self, body: Any = None, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(body)
        self.body = body
        self.headers = headers or {}


class BadRequest(MockHTTPError):
    """400 with the service's ``{"Field": ["message"]}`` body."""

    status = 400

    def __init__(self, field: str | dict[str, list[str]], message: str = "") -> None:
        body = field if isinstance(field, dict) else {field: [message]}
        super().__init__(body)


class Unauthorized(MockHTTPError):
    status = 401

    def __init__(self) -> None:
        super().__init__(
            {"message": "Authentication failed."},
            headers={"WWW-Authenticate": 'Basic realm="ConfigCat"'},
        )


class Forbidden(MockHTTPError):
    status = 403


class NotFound(MockHTTPError):
    status = 404

    def __init__(self, what: str = "resource") -> None:
        super().__init__({"message": f"The {what} was not found."})


class MethodNotAllowed(MockHTTPError):
    status = 405


class NotImplementedByMock(MockHTTPError):
    """501: the spec has the operation, the mock has no handler for it (a newer spec)."""

    status = 501

    def __init__(self, operation_id: str) -> None:
        super().__init__(
            {"message": f"The operation {operation_id} is not implemented by the mock."}
        )


class StorageFailed(MockHTTPError):
    """A write the state file could not store: 507 when its disk is full, 503 for any other
    storage error. Nothing of the write is kept, in the file or in memory."""

    def __init__(self, status: int, cause: str) -> None:
        super().__init__(
            {"message": f"The write could not be stored ({cause}); nothing was changed."}
        )
        self.status = status
