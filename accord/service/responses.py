"""How handlers answer: explicit Content-Type always (connexion#1956), X-Request-ID always, orjson."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from connexion.jsonifier import Jsonifier

from accord.service.context import request_id

JSON = "application/json"

Response = tuple[Any, int, dict[str, str]]


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    merged = {"Content-Type": JSON, "X-Request-ID": request_id()}
    if headers:
        merged.update(headers)
    return body, status, merged


class OrjsonJsonifier(Jsonifier):
    """Connexion's serialisation point, through orjson (several times faster than json)."""

    def __init__(self) -> None:
        super().__init__()

    def dumps(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, bytes | str):
            return data
        return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)

    def loads(self, data: Any) -> Any:
        return orjson.loads(data)
