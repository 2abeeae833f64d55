"""Serves the console, the widget and the demo page: static files read once at start-up, with
an ETag so browsers revalidate cheaply, and security headers on the HTML pages.

No build step and no front-end server: what is in app/web/static/ is what the browser gets.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path
from typing import NamedTuple

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.clients.auth import Access

STATIC = Path(__file__).parent / "static"

# The console and the demo load only their own files and call only this API.
_PAGE_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
_MEDIA = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".css": "text/css; charset=utf-8"}


class Asset(NamedTuple):
    body: bytes
    etag: str
    media_type: str


def _asset(name: str) -> Asset:
    body = (STATIC / name).read_bytes()
    return Asset(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"', _MEDIA[Path(name).suffix])


def _send(request: Request, asset: Asset, page: bool = False) -> Response:
    headers = {"ETag": asset.etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if page:
        headers.update(_PAGE_HEADERS)
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


def make_router() -> APIRouter:
    # Public pages and scripts; the API calls they make carry the client's key.
    router = APIRouter(include_in_schema=False, dependencies=[Depends(Access(None))])
    assets = {name: _asset(name) for name in ("console.html", "console.css", "console.js", "widget.js", "demo.css")}
    demo = (STATIC / "demo.html").read_text(encoding="utf-8")

    @router.get("/console")
    async def console(request: Request) -> Response:
        return _send(request, assets["console.html"], page=True)

    @router.get("/console.css")
    async def console_css(request: Request) -> Response:
        return _send(request, assets["console.css"])

    @router.get("/console.js")
    async def console_js(request: Request) -> Response:
        return _send(request, assets["console.js"])

    @router.get("/widget.js")
    async def widget_js(request: Request) -> Response:
        # Portals load it from their own pages: the script itself may be fetched cross-origin.
        response = _send(request, assets["widget.js"])
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    @router.get("/demo.css")
    async def demo_css(request: Request) -> Response:
        response = _send(request, assets["demo.css"])
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    @router.get("/demo")
    async def demo_page(request: Request) -> Response:
        # The page names this API by its absolute address, so a copy saved on a portal's own
        # server still works: that is how the browser tests serve it from a second origin.
        base = f"{request.url.scheme}://{request.url.netloc}"
        body = demo.replace("{{API}}", html.escape(base, quote=True)).encode()
        asset = Asset(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"', _MEDIA[".html"])
        return _send(request, asset, page=True)

    return router
