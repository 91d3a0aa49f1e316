"""Static files: versioned addresses are kept by browsers for a year, others revalidated."""

from __future__ import annotations

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

YEAR = 365 * 24 * 3600


class VersionedStatic(StaticFiles):
    """``/static/app.js?v=<hash>`` (``rendering.static_url``) never changes: cache it hard."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        versioned = b"v=" in scope.get("query_string", b"")
        if response.status_code == 200:
            response.headers["cache-control"] = (
                f"public, max-age={YEAR}, immutable" if versioned else "no-cache"
            )
        return response
