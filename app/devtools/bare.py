"""The baseline of `make bench`: a bare FastAPI endpoint with the same request model as
POST /v1/route, answering a constant. The ratio route/bare is what the routing costs."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.responses import Response

from app.route.schemas import RouteRequest

app = FastAPI()
_BODY = b'{"ok":true}'


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/v1/route")
async def route(body: RouteRequest) -> Response:
    return Response(_BODY, media_type="application/json")
