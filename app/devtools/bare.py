"""The floor of `make bench`: a bare FastAPI endpoint with the same request model as
POST /v1/route. By default it writes a constant as pre-rendered bytes (the stack's floor); with
WEGWIJZER_BARE_RESPONSE=model it answers a real routed answer through the pydantic response model
instead, as a conventional FastAPI endpoint would. The ratio route/bare is what the routing costs."""

from __future__ import annotations

import os

from fastapi import FastAPI
from starlette.responses import Response

from app.route.schemas import RouteRequest, RouteResponse

app = FastAPI()
_BODY = b'{"ok":true}'


def _sample() -> RouteResponse:
    """One real answer (a typical question with a location), as the response model holds it."""
    from app.config import get_settings
    from app.routing.engine import Router
    from app.routing.explain import decision_dict
    from app.routing.model import LocationInput, RouteInput

    router = Router.from_directory(get_settings().rules_dir)
    inp = RouteInput(question="Welke subsidie is er voor zonnepanelen op ons bedrijfspand?",
                     location=LocationInput(postcode="5038"))
    return RouteResponse.model_validate(decision_dict(router.route(inp), router, "bench"))


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


if os.environ.get("WEGWIJZER_BARE_RESPONSE") == "model":
    _SAMPLE = _sample()

    @app.post("/v1/route", response_model=RouteResponse)
    async def route_model(body: RouteRequest) -> RouteResponse:
        return _SAMPLE
else:
    @app.post("/v1/route")
    async def route(body: RouteRequest) -> Response:
        return Response(_BODY, media_type="application/json")
