"""A response checked against the document the mock serves: the mock's invariant, as a test helper.

Documented status (exactly, by range or by `default`), a declared Content-Type, a body that
validates against that content's schema.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from accord.mock.app import MockApp


def assert_conforms(app: MockApp, label: str, response: httpx.Response) -> Any:
    """Assert the response keeps the contract of operation `label`; returns the parsed body."""
    op = next(op for op in app.api.operations if op.label == label)
    status = str(response.status_code)
    key = status if status in op.responses else f"{status[0]}XX" if f"{status[0]}XX" in op.responses else "default"
    assert key in op.responses, f"{label}: status {status} is not documented"
    documented = op.responses[key]
    if not documented.contents:
        assert not response.content, f"{label}: {status} documents no body"
        return None
    media = response.headers["content-type"].split(";")[0].strip()
    content = next((c for c in documented.contents if c.served.split(";")[0].strip() == media), None)
    assert content is not None, f"{label}: {status} does not declare {media}"
    body = orjson.loads(response.content) if "json" in media else response.text
    if content.schema is not None:
        errors = list(app.api.schemas.validator(content.schema, "response").iter_errors(body))
        assert not errors, f"{label}: {status} body does not validate: {[e.message for e in errors[:3]]}"
    return body
