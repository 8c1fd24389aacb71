"""The bad-input catalogue (catalogue.py) against the mock and the service over real HTTP.

Per case and server: a 4xx (or the documented answer the case names) as problem+json, never a
500, no traceback text, the documented body limit named in a 413, and the server still
answering its health check afterwards.
"""

from __future__ import annotations

import json

import pytest

from tests.hardening.catalogue import CASES, IRIS, KEY, PREDICT, VALID, Case, counts
from tests.hardening.servers import Server, get
from tests.hardening.wire import HOST, exchange

pytestmark = pytest.mark.integration  # the mock and the service as real processes

TARGETS = ("mock", "impl")
LEAKS = (b"Traceback", b'File "/', b"site-packages", b"Exception:", b"Error:")


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(servers: dict[str, Server], case: Case, target: str) -> None:
    server = servers[target]
    answer = exchange(server.port, case.request(f"{HOST}:{server.port}".encode()))
    documented = answer.status in case.accepted(target)
    assert 400 <= answer.status < 500 or documented, (answer.status, answer.body[:500])
    if not documented:
        assert answer.content_type.startswith("application/problem+json"), (answer.content_type, answer.body[:300])
        problem = json.loads(answer.body)
        assert problem["status"] == answer.status
        assert problem["type"] and problem["title"] and problem["detail"]
        if target in case.detail:
            assert case.detail[target] in problem["detail"], problem["detail"]
    for leak in LEAKS:
        assert leak not in answer.body, answer.body[:1000]
    assert server.alive()
    assert get(server.port, "/health/live")[0] == 200


def test_every_category_has_cases() -> None:
    assert set(counts()) >= {"malformed JSON", "content type", "invalid UTF-8", "NaN/Infinity/huge numbers",
                             "long strings", "deep nesting", "body size", "injection", "path encoding/traversal",
                             "duplicate parameters", "chunked bodies", "protocol"}
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("target", TARGETS)
def test_the_catalogue_requests_are_right_but_for_their_defect(servers: dict[str, Server], target: str) -> None:
    """The control: the same request, well formed, is served (so a 4xx above is the defect's)."""
    port = servers[target].port
    good = Case("control", "control", body=VALID)
    answer = exchange(port, good.request(b"x"))
    assert answer.status == 200, answer.body
    chunked = Case("control-chunked", "control", headers=((b"Transfer-Encoding", b"chunked"),),
                   body=b"%x\r\n%s\r\n0\r\n\r\n" % (len(VALID), VALID))
    answer = exchange(port, chunked.request(b"x"))
    assert answer.status == 200, answer.body  # the service refused every chunked body before (400)


STATIC = [("mock", "/__accord/docs/swagger-ui.css"), ("impl", "/ui/swagger-ui.css")]


@pytest.mark.parametrize(("target", "path"), STATIC)
def test_the_docs_static_paths_exist(servers: dict[str, Server], target: str, path: str) -> None:
    """The traversal cases aim at a real static route of each server."""
    status, body = get(servers[target].port, path)
    assert status == 200 and len(body) > 1000


@pytest.mark.parametrize("target", TARGETS)
def test_a_valid_request_still_predicts_after_the_catalogue(servers: dict[str, Server], target: str) -> None:
    answer = exchange(servers[target].port, Case("after", "control", body=json.dumps(
        {"instances": [IRIS, IRIS]}).encode(), target=PREDICT.encode()).request(b"x"))
    assert answer.status == 200 and b"predictions" in answer.body
    assert KEY.encode() not in answer.body
