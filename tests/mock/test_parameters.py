"""mock/parameters.py: OpenAPI styles and coercion by schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.mock.parameters import (
    MISSING,
    Parameter,
    ParameterDecodeError,
    RequestParts,
    coerce,
    parse_cookies,
    parse_query,
    read_all,
    shape_of,
)

INT = frozenset({"integer"})


def param(
    location: str, schema: dict, style: str | None = None, explode: bool | None = None, name: str = "p", **kw
) -> Parameter:
    style = style or {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}[location]
    return Parameter(
        name,
        location,
        kw.pop("required", False),
        style,
        style == "form" if explode is None else explode,
        shape_of({}, schema),
        schema,
        **kw,
    )


def parts(path=None, query=b"", headers=None) -> RequestParts:
    return RequestParts(path or {}, parse_query(query), headers or {})


@pytest.mark.parametrize(
    ("text", "types", "expected"),
    [
        ("12", INT, 12),
        ("-3", INT, -3),
        ("1.5", INT, "1.5"),
        ("1.5", frozenset({"number", "integer"}), 1.5),
        ("nan", frozenset({"number", "integer"}), "nan"),
        ("true", frozenset({"boolean"}), True),
        ("null", frozenset({"null", "integer"}), None),
        ("null", frozenset({"null", "string"}), "null"),
        ("12", frozenset({"string"}), "12"),
        ("\u1096", INT, "\u1096"),  # a Myanmar digit: not an integer on the wire
    ],
)
def test_coerce(text, types, expected):
    assert coerce(text, types) == expected


ARRAY = {"type": "array", "items": {"type": "integer"}}
OBJECT = {"type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "string"}}}


@pytest.mark.parametrize(
    ("style", "explode", "query", "expected"),
    [
        ("form", True, b"p=1&p=2", [1, 2]),
        ("form", False, b"p=1,2", [1, 2]),
        ("spaceDelimited", False, b"p=1%202", [1, 2]),
        ("pipeDelimited", False, b"p=1|2", [1, 2]),
    ],
)
def test_query_arrays(style, explode, query, expected):
    assert param("query", ARRAY, style, explode).read(parts(query=query)) == expected


@pytest.mark.parametrize(
    ("style", "explode", "query"),
    [("form", True, b"x=1&y=a"), ("form", False, b"p=x,1,y,a"), ("deepObject", True, b"p[x]=1&p[y]=a")],
)
def test_query_objects(style, explode, query):
    assert param("query", OBJECT, style, explode).read(parts(query=query)) == {"x": 1, "y": "a"}


@pytest.mark.parametrize(
    ("style", "explode", "query", "keys"),
    [
        ("form", True, b"y=a&x=1", ["x", "y"]),
        ("form", False, b"p=y,a,z,0,x,1", ["x", "y", "z"]),  # undeclared keys after, as sent
        ("deepObject", True, b"p[y]=a&p[z]=0&p[x]=1", ["x", "y", "z"]),
    ],
)
def test_query_objects_take_the_schemas_order(style, explode, query, keys):
    # Violations of an object's properties are then listed as the document declares them (Prism).
    assert list(param("query", OBJECT, style, explode).read(parts(query=query))) == keys


@pytest.mark.parametrize(
    ("style", "explode", "raw", "expected"),
    [
        ("simple", False, "1,2", [1, 2]),
        ("label", False, ".1,2", [1, 2]),
        ("label", True, ".1.2", [1, 2]),
        ("matrix", False, ";p=1,2", [1, 2]),
        ("matrix", True, ";p=1;p=2", [1, 2]),
    ],
)
def test_path_arrays(style, explode, raw, expected):
    assert param("path", ARRAY, style, explode).read(parts(path={"p": raw})) == expected


def test_path_objects():
    assert param("path", OBJECT, "simple", True).read(parts(path={"p": "x=1,y=a"})) == {"x": 1, "y": "a"}
    assert param("path", OBJECT, "matrix", True).read(parts(path={"p": ";x=1;y=a"})) == {"x": 1, "y": "a"}


def test_header_and_cookie():
    assert param("header", {"type": "integer"}, name="X-N").read(parts(headers={"x-n": "5"})) == 5
    request = parts(headers={"cookie": "a=1; session=abc"})
    assert param("cookie", {"type": "string"}, name="session").read(request) == "abc"


def test_content_parameter_is_json():
    p = param("query", {"type": "object"}, content_json=True)
    assert p.read(parts(query=b"p=%7B%22a%22%3A1%7D")) == {"a": 1}


def test_read_all_reports_missing_style_and_deprecated():
    params = [
        param("query", {"type": "integer"}, name="need", required=True),
        param("path", ARRAY, "label", False, name="lab"),
        param("query", {"type": "string"}, name="old", deprecated=True),
    ]
    values, violations = read_all(params, parts(path={"lab": "1,2"}, query=b"old=x"))
    assert values == {"query.old": "x"}
    assert [(v.name, v.code, v.severity) for v in violations] == [
        ("need", "required", "Error"),
        ("lab", "style", "Error"),
        ("old", "deprecated", "Warning"),
    ]


def test_missing_is_missing():
    assert param("query", {"type": "string"}).read(parts()) is MISSING


def test_query_decoding():
    assert parse_query(b"a=1+2&b=%C3%A9&c") == [("a", "1 2"), ("b", "é"), ("c", "")]
    with pytest.raises(ParameterDecodeError):
        parse_query(b"a=%ff")


def test_cookie_parsing_keeps_first():
    assert parse_cookies("a=1; b=2; a=3; junk") == {"a": "1", "b": "2"}


def test_object_styles_reject_empty_keys():
    values, violations = read_all([param("path", OBJECT, "simple", False, name="o")], parts(path={"o": ",-519"}))
    assert values == {} and violations[0].code == "style"


def test_exploded_matrix_object_accepts_an_empty_key(pets):  # type: ignore[no-untyped-def]
    # RFC 6570 §3.2.7: {"": "v"} expands to ";=v".
    assert pets.get("/matrix/;=v").status_code == 200


def test_query_serialisations_openapi_does_not_define_are_present_not_checked(make_client):
    """AWS's query protocol flattens lists and structures (`Tag.1.Key=a`): OpenAPI defines no form
    serialisation for arrays of objects or nested objects, so presence is all the mock checks."""
    client = make_client(Path(__file__).resolve().parents[1] / "fixtures" / "mock-aws-fragments" / "openapi.yaml")
    signed = {"Authorization": "AWS4-HMAC-SHA256 Credential=x"}
    base = "/?Action=TagInstances&Version=2024-01-01"
    sent = client.get(f"{base}&Tag.1.Key=env&Tag.1.Value=prod&Placement.Zone.Name=eu-west-1a", headers=signed)
    assert sent.status_code == 200
    missing = client.get(base, headers=signed)
    assert missing.status_code == 422
    assert [v["code"] for v in missing.json()["validation"]] == ["required", "required"]


QUERY_OBJECTS = Path(__file__).resolve().parents[1] / "fixtures" / "mock-query-objects" / "openapi.yaml"


def test_exploded_query_map_takes_the_keys_no_other_parameter_declares(make_client):
    """A `form` object with only `additionalProperties` is a map: `?a=1&b=2` is {"a": "1", "b": "2"}
    (the names are the client's); declared siblings and Prism's `__` controls are not part of it."""
    client = make_client(QUERY_OBJECTS)
    assert client.get("/tags?Action=TagQueue&team=data&env=prod&__dynamic=false").status_code == 200
    too_long = client.get("/tags?Action=TagQueue&team=datadatadata")
    assert too_long.status_code == 422
    assert too_long.json()["validation"][0]["location"] == ["query", "Tags", "team"]
    assert [v["code"] for v in client.get("/tags?Action=TagQueue").json()["validation"]] == ["required"]


def test_exploded_query_object_reads_its_list_properties(make_client):
    """`OccurrenceDays=1,15` (or repeated) is the list property's value, its items coerced."""
    client = make_client(QUERY_OBJECTS)
    assert client.get("/recurrence?Frequency=Monthly&OccurrenceDays=1,15").status_code == 200
    assert client.get("/recurrence?OccurrenceDays=1&OccurrenceDays=15").status_code == 200
    wrong = client.get("/recurrence?OccurrenceDays=1,40")
    assert wrong.status_code == 422
    assert wrong.json()["validation"][0]["location"] == ["query", "Recurrence", "OccurrenceDays", 1]


def test_exploded_query_object_holding_an_object_is_checked_for_presence(make_client):
    """OpenAPI defines no `form` serialisation for an object inside an object (or a map): `S3=…` or
    `S3.Bucket=…` both say the parameter is there, and only its absence is refused."""
    client = make_client(QUERY_OBJECTS)
    assert client.get("/bundle?S3=Bucket,b,Prefix,p").status_code == 200
    assert client.get("/bundle?S3.Bucket=b").status_code == 200
    assert client.get("/bundle?Storage.S3.Bucket=b").status_code == 200
    assert [v["code"] for v in client.get("/bundle?other=1").json()["validation"]] == ["required"]
    # a map of objects (SQS's MessageAttribute): `color=DataType,String` or `MessageAttribute.1.Name=…`
    assert client.get("/send?MessageBody=hi&color=DataType,String,StringValue,red").status_code == 200
    assert client.get("/send?MessageBody=hi&MessageAttribute.1.Name=color").status_code == 200
    assert [v["code"] for v in client.get("/send?MessageBody=hi").json()["validation"]] == ["required"]
