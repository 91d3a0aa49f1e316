"""What a page needs when the laptop is briefly out of reach: the service worker (served
from the root, so that it may keep every page of this server) and the page it shows when it
has nothing better. Browsers run service workers only on https or on this machine itself
(docs/decisions.md)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from facilitator.paths import STATIC
from facilitator.web.render import page
from facilitator.web.services import services


async def service_worker(_request: Request) -> Response:
    # Revalidated on every load, so a new version of the worker takes over at once.
    return FileResponse(
        STATIC / "sw.js",
        media_type="text/javascript",
        headers={"cache-control": "no-cache", "service-worker-allowed": "/"},
    )


async def offline(request: Request) -> Response:
    return page(services(request).renderer, request, "offline.html", {})


routes = [Route("/sw.js", service_worker), Route("/offline", offline)]
