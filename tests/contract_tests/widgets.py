"""A tiny service for the widgets fixture contract, correct by default, broken on request.

It is not part of accord: the contract suite must judge a foreign service against a foreign
contract. Each name in BREAKAGES switches on one deliberate drift from the contract.
"""

from __future__ import annotations

import itertools
import json
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

KEY = "widget-key"
BREAKAGES = frozenset({
    "missing_field",        # GET /widgets/{id} drops the required `size`
    "undocumented_status",  # POST /widgets answers 200 instead of 201
    "server_error",         # GET /widgets answers 500 when limit > 40
    "wrong_content_type",   # GET /widgets sends its list as text/plain
    "ignores_auth",         # GET /widgets serves without a valid key
    "plain_errors",         # errors are application/json {"error": ...}, not problems
    "accepts_invalid",      # POST /widgets does not validate its body
    "no_405",               # an unsupported method answers 404 instead of 405 + Allow
    "no_location",          # POST /widgets omits the required Location header
    "rejects_valid",        # POST /widgets refuses size > 5 though the contract allows 10
})


def create_app(*broken: str) -> Starlette:
    unknown = set(broken) - BREAKAGES
    assert not unknown, unknown
    flags = set(broken)
    widgets: dict[str, dict[str, Any]] = {}
    ids = itertools.count(1)

    def problem(request: Request, status: int, title: str) -> Response:
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex
        if "plain_errors" in flags:
            return JSONResponse({"error": title}, status_code=status)
        body = {"type": f"https://widgets.example/problems/{status}", "title": title, "status": status,
                "request_id": rid}
        return Response(json.dumps(body), status_code=status, media_type="application/problem+json",
                        headers={"X-Request-ID": rid})

    def authorised(request: Request) -> bool:
        return request.headers.get("x-api-key") == KEY

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def widgets_collection(request: Request) -> Response:
        if request.method == "GET":
            if not authorised(request) and "ignores_auth" not in flags:
                return problem(request, 401, "Unauthorized")
            extra = set(request.query_params) - {"limit"}
            raw = request.query_params.get("limit")
            if extra or (raw is not None and not (raw.isdigit() and 1 <= int(raw) <= 50)):
                return problem(request, 400, "Bad query")
            limit = int(raw) if raw is not None else 20
            if "server_error" in flags and limit > 40:
                return Response("Internal Server Error", status_code=500)
            data = list(widgets.values())[:limit]
            if "wrong_content_type" in flags:
                return Response(json.dumps({"data": data}), media_type="text/plain")
            return JSONResponse({"data": data})
        if not authorised(request):
            return problem(request, 401, "Unauthorized")
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return problem(request, 415, "Unsupported media type")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return problem(request, 400, "Malformed JSON")
        if "accepts_invalid" not in flags and not _valid_new_widget(body):
            return problem(request, 400, "Invalid widget")
        size = body.get("size") if isinstance(body, dict) else None
        if "rejects_valid" in flags and isinstance(size, int) and size > 5:
            return problem(request, 400, "Too big")
        widget_id = f"w{next(ids)}"
        name = body.get("name") if isinstance(body, dict) else None
        widget = {"id": widget_id, "name": name if isinstance(name, str) else "",
                  "size": size if type(size) is int else 1}
        widgets[widget_id] = widget
        headers = {} if "no_location" in flags else {"Location": f"/widgets/{widget_id}"}
        return JSONResponse(widget, status_code=200 if "undocumented_status" in flags else 201, headers=headers)

    async def widget_item(request: Request) -> Response:
        if not authorised(request):
            return problem(request, 401, "Unauthorized")
        widget_id = request.path_params["widget_id"]
        digits = widget_id[1:]
        if not (widget_id.startswith("w") and digits.isdigit() and 1 <= len(digits) <= 8 and digits.isascii()):
            return problem(request, 400, "Bad widget id")
        if widget_id not in widgets:
            return problem(request, 404, "No such widget")
        if request.method == "DELETE":
            del widgets[widget_id]
            return Response(status_code=204)
        widget = dict(widgets[widget_id])
        if "missing_field" in flags:
            widget.pop("size")
        return JSONResponse(widget)

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/widgets", widgets_collection, methods=["GET", "POST"]),
        Route("/widgets/{widget_id}", widget_item, methods=["GET", "DELETE"]),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return problem(request, 404, "Not found")

    async def not_allowed(request: Request, exc: Exception) -> Response:
        if "no_405" in flags:
            return problem(request, 404, "Not found")
        response = problem(request, 405, "Method not allowed")
        allow = getattr(exc, "headers", None) or {}
        response.headers["Allow"] = allow.get("Allow", "")
        return response

    return Starlette(routes=routes, exception_handlers={404: not_found, 405: not_allowed})


def _valid_new_widget(body: Any) -> bool:
    if not isinstance(body, dict) or set(body) != {"name", "size"}:
        return False
    name, size = body["name"], body["size"]
    return (isinstance(name, str) and 1 <= len(name) <= 40
            and type(size) is int and 1 <= size <= 10)


def stubbed(unimplemented: str) -> Starlette:
    """The correct widgets service, with one route answering as `accord scaffold`'s stub does."""
    inner = create_app()

    stub = JSONResponse({"type": "about:blank", "title": "Not implemented", "status": 501},
                        status_code=501, media_type="application/problem+json")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == unimplemented:
            await stub(scope, receive, send)
        else:
            await inner(scope, receive, send)

    return app  # type: ignore[return-value]
