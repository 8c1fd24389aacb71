"""accord/consumer/contract.py: the Pact V4 file, read back exactly, refused with a location."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from accord.consumer.contract import (
    PACT_SPECIFICATION,
    Body,
    Carried,
    ConsumerContract,
    Interaction,
    Request,
    Response,
    body_from,
    interaction_key,
    parse_contract,
    read_contract,
)
from accord.errors import DocumentError, UsageError


def _interaction(path: str = "/v1/jobs", status: int = 202, carried: tuple[Carried, ...] = ()) -> Interaction:
    request = Request("POST", path, {"limit": ["5"]}, {"Content-Type": ["application/json"]},
                      Body({"instances": [{"a": 1}]}, "application/json"))
    return Interaction(interaction_key(request, status), f"createJob: {status}", request,
                       Response(status, {"Content-Type": ["application/json"], "Location": ["/v1/jobs/j1"]},
                                Body({"id": "j1", "status": "queued"}, "application/json")),
                       operation="createJob", template=path, carried=carried, credentials=("X-API-Key",))


def test_pact_v4_shape_and_round_trip(tmp_path: Path) -> None:
    first = _interaction()
    second = _interaction("/v1/jobs/j1", 200, (Carried("path", "3", first.key, "$response.body#/id"),))
    contract = ConsumerContract("web", "ml-api", (first, second), {"contract": "spec/openapi.yaml"})
    file = tmp_path / "web.json"
    file.write_bytes(contract.dumps())
    document = orjson.loads(file.read_bytes())
    assert document["metadata"]["pactSpecification"]["version"] == PACT_SPECIFICATION
    assert document["consumer"] == {"name": "web"} and document["provider"] == {"name": "ml-api"}
    raw = document["interactions"][0]
    assert raw["type"] == "Synchronous/HTTP"
    assert raw["request"]["query"] == {"limit": ["5"]}
    assert raw["request"]["body"] == {"content": {"instances": [{"a": 1}]}, "contentType": "application/json",
                                      "encoded": False}
    assert raw["response"]["matchingRules"]["body"] == {"$": {"combine": "AND", "matchers": [{"match": "type"}]}}
    assert "Location" in raw["response"]["matchingRules"]["header"]
    assert read_contract(file) == contract


def test_body_from_keeps_json_text_and_bytes() -> None:
    assert body_from(b'{"a": 1}', "application/json; charset=utf-8").content == {"a": 1}
    assert body_from(b"hello", "text/plain").content == "hello"
    binary = body_from(b"\x00\xff", "application/octet-stream")
    assert binary is not None and binary.encoded and binary.raw() == b"\x00\xff"
    assert body_from(b"", "application/json") is None


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        ({"interactions": {}}, "/interactions"),
        ({"interactions": [{"request": {"method": "GET", "path": "/a"}, "response": {"status": 99}}]},
         "/interactions/0/response/status"),
        ({"interactions": [{"request": {"method": "GET", "path": "a"}, "response": {"status": 200}}]},
         "/interactions/0/request/path"),
        ({"interactions": [{"type": "Asynchronous/Messages", "request": {}, "response": {}}]}, "/interactions/0/type"),
        ({"interactions": [{"request": {"method": "GET", "path": "/a", "query": {"q": [1]}},
                            "response": {"status": 200}}]},
         "/interactions/0/request/query/q/0"),
        ({"interactions": [], "metadata": {"pactSpecification": {"version": "3.0.0"}}},
         "/metadata/pactSpecification/version"),
        ({"interactions": [{"request": {"method": "GET", "path": "/a"}, "response": {"status": 200},
                            "comments": {"accord": {"carried": [{"in": "path", "name": "1", "from": "nope",
                                                                 "expression": "$response.body#/id"}]}}}]},
         "/interactions/0/comments/accord/carried/0/from"),
    ],
)
def test_invalid_contract_is_located(tmp_path: Path, document: dict, pointer: str) -> None:
    file = tmp_path / "bad.json"
    file.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    with pytest.raises(DocumentError) as caught:
        read_contract(file)
    assert str(caught.value).startswith(f"{file}:")
    assert caught.value.line is not None
    assert str(caught.value).endswith(f"at #{pointer}")


def test_not_json_names_the_line(tmp_path: Path) -> None:
    file = tmp_path / "bad.json"
    file.write_text('{\n  "interactions": [\n    oops\n]}')
    with pytest.raises(DocumentError) as caught:
        read_contract(file)
    assert caught.value.line == 3


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        read_contract(tmp_path / "none.json")


def test_a_plain_pact_file_is_read() -> None:
    """A pact written by pact-python (no accord comments, a single-string header) can be replayed."""
    contract = parse_contract({
        "consumer": {"name": "ui"}, "provider": {"name": "api"},
        "interactions": [{"type": "Synchronous/HTTP", "description": "score",
                          "request": {"method": "post", "path": "/v1/score", "headers": {"Accept": "application/json"}},
                          "response": {"status": 200, "body": {"content": {"score": 0.5},
                                                               "contentType": "application/json"}}}],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    })
    (only,) = contract.interactions
    assert only.request.method == "POST" and only.request.headers == {"Accept": ["application/json"]}
    assert only.response.body == Body({"score": 0.5}, "application/json")
    assert only.operation is None and only.carried == ()
