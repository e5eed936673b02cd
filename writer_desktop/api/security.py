"""What guards every request: the API token, the body size cap, and errors as JSON that
name the field at fault."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse

from writer_desktop.api.models import ErrorOut


class ApiError(Exception):
    """A request that cannot be served, with its status and the field at fault."""

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field


def error_response(status: int, detail: str, field: str | None = None) -> JSONResponse:
    return JSONResponse(ErrorOut(detail=detail, field=field).model_dump(), status_code=status)


class BodyLimit:
    """Refuse request bodies over `limit` bytes (413) before the app reads them."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        too_big = error_response(413, f"The request body is over {self.limit:,} bytes.", "body")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await too_big(scope, receive, send)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise ApiError(413, f"The request body is over {self.limit:,} bytes.", "body")
            return message

        await self.app(scope, counted, send)


class TokenCheck:
    """With API_TOKEN set, every request carries `Authorization: Bearer <token>`."""

    def __init__(self, app: Any, token: str) -> None:
        self.app, self.token = app, token.encode()

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and self.token:
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            scheme, _, value = given.partition(b" ")
            if scheme.lower() != b"bearer" or not hmac.compare_digest(value.strip(), self.token):
                response = error_response(401, "A valid API token is required.", "Authorization")
                response.headers["WWW-Authenticate"] = "Bearer"
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
