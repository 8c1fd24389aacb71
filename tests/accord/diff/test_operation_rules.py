"""A fixture pair for every operation-level rule (endpoints, parameters, bodies, responses,
headers, properties, security), each asserting the exact ids and levels; and the check that
every rule of the catalogue has a fixture pair somewhere in these tests."""

from __future__ import annotations

from typing import Any

import pytest

from accord.diff.lifecycle import LifecyclePolicy
from accord.diff.rules import RULES, SCHEMA_SUFFIXES, swap_roles
from accord.diff.walker import diff_documents
from tests.accord.diff.test_catalogue import CALLBACK_CASES, CALLBACK_PREFIXES, SCHEMA_CASES
from tests.accord.diff.test_lifecycle import CASES as LIFECYCLE_CASES
from tests.accord.diff.test_rules import SCHEMA_PREFIXES

SCHEMES = {"key": {"type": "apiKey", "in": "header", "name": "X-Key"},
           "oauth": {"type": "oauth2", "flows": {"clientCredentials": {
               "tokenUrl": "https://auth.example/token", "scopes": {"read": "r", "write": "w"}}}}}
STRING = {"type": "string"}
OBJ = {"type": "object", "properties": {"a": STRING}}
OBJ_REQUIRED = {"type": "object", "required": ["a"], "properties": {"a": STRING}}
OBJ_DEFAULT = {"type": "object", "properties": {"a": {"type": "string", "default": "x"}}}
OBJ_DEFAULT_REQUIRED = {**OBJ_DEFAULT, "required": ["a"]}
EMPTY = {"type": "object", "properties": {}}
STRICT = LifecyclePolicy(deprecation_days_stable=180)


def op(**parts: Any) -> dict[str, Any]:
    """An operation: 200 unless `responses` says otherwise."""
    return {"responses": {"200": {"description": "ok"}}, **parts}


def api(operation: dict[str, Any] | None = None, *, paths: dict[str, Any] | None = None,
        item: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": paths if paths is not None else {"/a": {**(item or {}), "post": operation or op()}},
            "components": {"securitySchemes": SCHEMES}}


def query(name: str = "q", *, required: bool = False, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": STRING, **extra}


def body(schema: dict[str, Any] | None = STRING, *, required: bool = False,
         media: str = "application/json") -> dict[str, Any]:
    media_object = {} if schema is None else {"schema": schema}
    return {"required": required, "content": {media: media_object}}


def responds(*statuses: str, schema: dict[str, Any] | None = None, media: str = "application/json",
             headers: dict[str, Any] | None = None) -> dict[str, Any]:
    def one() -> dict[str, Any]:
        response: dict[str, Any] = {"description": "d"}
        if schema is not None:
            response["content"] = {media: {"schema": schema}}
        if headers:
            response["headers"] = headers
        return response
    return op(responses={status: one() for status in statuses})


def header_param(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": "X-Q", "in": "header", "schema": schema}]


def rate(required: bool) -> dict[str, Any]:
    return {"X-Rate": {"required": required, "schema": {"type": "integer"}}}


FUTURE, PAST = "2999-01-01", "2000-01-01"
B, W, I = "breaking", "warning", "info"  # noqa: E741 (short level names keep the table readable)

#: rule -> (old document, new document, every (id, level) expected, lifecycle policy or None)
OPERATION_CASES: dict[str, tuple[dict[str, Any], dict[str, Any], set[tuple[str, str]], LifecyclePolicy | None]] = {
    "api-operation-id-removed": (api(op(operationId="a")), api(op(operationId="b")), {("api-operation-id-removed", W)},
                                 None),
    "api-operation-id-added": (api(op()), api(op(operationId="a")), {("api-operation-id-added", I)}, None),
    "api-security-added": (api(op()), api(op(security=[{"key": []}])), {("api-security-added", B)}, None),
    "api-security-scope-added": (api(op(security=[{"oauth": ["read"]}])),
                                 api(op(security=[{"oauth": ["read", "write"]}])),
                                 {("api-security-scope-added", B)}, None),
    "api-security-removed": (api(op(security=[{"key": []}])), api(op()), {("api-security-removed", I)}, None),
    "api-path-removed-without-deprecation": (api(paths={"/a": {"get": op()}}), api(paths={"/b": {"get": op()}}),
                                             {("api-path-removed-without-deprecation", B), ("endpoint-added", I)},
                                             None),
    "api-path-removed-with-deprecation": (api(paths={"/a": {"get": op(deprecated=True)}}),
                                          api(paths={"/b": {"get": op()}}),
                                          {("api-path-removed-with-deprecation", W), ("endpoint-added", I)}, None),
    "api-removed-without-deprecation": (api(paths={"/a": {"get": op(), "post": op()}}),
                                        api(paths={"/a": {"get": op()}}),
                                        {("api-removed-without-deprecation", B)}, None),
    "api-removed-with-deprecation": (api(paths={"/a": {"get": op(), "post": op(deprecated=True)}}),
                                     api(paths={"/a": {"get": op()}}), {("api-removed-with-deprecation", W)}, None),
    "endpoint-added": (api(paths={"/a": {"get": op()}}), api(paths={"/a": {"get": op(), "post": op()}}),
                       {("endpoint-added", I)}, None),
    "new-required-request-parameter": (api(op()), api(op(parameters=[query(required=True)])),
                                       {("new-required-request-parameter", B)}, None),
    "new-optional-request-parameter": (api(op()), api(op(parameters=[query()])),
                                       {("new-optional-request-parameter", I)}, None),
    "new-request-path-parameter": (
        api(paths={"/a/{id}": {"post": op()}}),
        api(paths={"/a/{id}": {"post": op(parameters=[{"name": "id", "in": "path", "required": True,
                                                        "schema": STRING}])}}),
        {("new-request-path-parameter", B)}, None),
    "new-required-request-default-parameter-to-existing-path": (
        api(op()), api(op(), item={"parameters": [query(required=True)]}),
        {("new-required-request-default-parameter-to-existing-path", B)}, None),
    "new-optional-request-default-parameter-to-existing-path": (
        api(op()), api(op(), item={"parameters": [query()]}),
        {("new-optional-request-default-parameter-to-existing-path", I)}, None),
    "request-parameter-removed": (api(op(parameters=[query()])), api(op()), {("request-parameter-removed", W)}, None),
    "request-parameter-became-required": (api(op(parameters=[query()])), api(op(parameters=[query(required=True)])),
                                          {("request-parameter-became-required", B)}, None),
    "request-parameter-became-optional": (api(op(parameters=[query(required=True)])), api(op(parameters=[query()])),
                                          {("request-parameter-became-optional", I)}, None),
    "request-parameter-removed-with-deprecation": (api(op(parameters=[query(deprecated=True)])), api(op()),
                                                   {("request-parameter-removed-with-deprecation", I)}, None),
    "request-parameter-removed-before-sunset": (
        api(op(parameters=[query(deprecated=True, **{"x-sunset": FUTURE})])), api(op()),
        {("request-parameter-removed-before-sunset", B)}, None),
    "request-parameter-sunset-parse": (
        api(op(parameters=[query(deprecated=True, **{"x-sunset": "soon"})])), api(op()),
        {("request-parameter-sunset-parse", B)}, None),
    "request-parameter-deprecated": (api(op(parameters=[query()])), api(op(parameters=[query(deprecated=True)])),
                                     {("request-parameter-deprecated", I)}, None),
    "request-parameter-reactivated": (api(op(parameters=[query(deprecated=True)])), api(op(parameters=[query()])),
                                      {("request-parameter-reactivated", I)}, None),
    "request-parameter-deprecated-sunset-missing": (
        api(op(parameters=[query()])), api(op(parameters=[query(deprecated=True)])),
        {("request-parameter-deprecated", I), ("request-parameter-deprecated-sunset-missing", B)}, STRICT),
    "request-parameter-sunset-date-too-small": (
        api(op(parameters=[query()])), api(op(parameters=[query(deprecated=True, **{"x-sunset": PAST})])),
        {("request-parameter-deprecated", I), ("request-parameter-sunset-date-too-small", B)}, STRICT),
    "request-parameter-sunset-deleted": (
        api(op(parameters=[query(deprecated=True, **{"x-sunset": FUTURE})])),
        api(op(parameters=[query(deprecated=True)])), {("request-parameter-sunset-deleted", B)}, None),
    "request-parameter-sunset-date-changed-too-small": (
        api(op(parameters=[query(deprecated=True, **{"x-sunset": FUTURE})])),
        api(op(parameters=[query(deprecated=True, **{"x-sunset": PAST})])),
        {("request-parameter-sunset-date-changed-too-small", B)}, None),
    "new-required-request-header-property": (api(op(parameters=header_param(EMPTY))),
                                             api(op(parameters=header_param(OBJ_REQUIRED))),
                                             {("new-required-request-header-property", B)}, None),
    "new-optional-request-header-property": (api(op(parameters=header_param(EMPTY))),
                                             api(op(parameters=header_param(OBJ))),
                                             {("new-optional-request-header-property", I)}, None),
    "request-header-property-became-required": (api(op(parameters=header_param(OBJ))),
                                                api(op(parameters=header_param(OBJ_REQUIRED))),
                                                {("request-header-property-became-required", B)}, None),
    "request-header-property-became-optional": (api(op(parameters=header_param(OBJ_REQUIRED))),
                                                api(op(parameters=header_param(OBJ))),
                                                {("request-header-property-became-optional", I)}, None),
    "request-body-added-required": (api(op()), api(op(requestBody=body(required=True))),
                                    {("request-body-added-required", B)}, None),
    "request-body-added-optional": (api(op()), api(op(requestBody=body())), {("request-body-added-optional", I)},
                                    None),
    "request-body-removed": (api(op(requestBody=body())), api(op()), {("request-body-removed", B)}, None),
    "request-body-became-required": (api(op(requestBody=body())), api(op(requestBody=body(required=True))),
                                     {("request-body-became-required", B)}, None),
    "request-body-became-optional": (api(op(requestBody=body(required=True))), api(op(requestBody=body())),
                                     {("request-body-became-optional", I)}, None),
    "request-body-media-type-removed": (api(op(requestBody=body())), api(op(requestBody=body(media="text/plain"))),
                                        {("request-body-media-type-removed", B), ("request-body-media-type-added", I)},
                                        None),
    "request-body-media-type-added": (api(op(requestBody=body(media="text/plain"))), api(op(requestBody=body())),
                                      {("request-body-media-type-removed", B), ("request-body-media-type-added", I)},
                                      None),
    "request-body-media-type-schema-added": (api(op(requestBody=body(None))), api(op(requestBody=body())),
                                             {("request-body-media-type-schema-added", B)}, None),
    "request-body-media-type-schema-removed": (api(op(requestBody=body())), api(op(requestBody=body(None))),
                                               {("request-body-media-type-schema-removed", I)}, None),
    "new-required-request-property": (api(op(requestBody=body(EMPTY))), api(op(requestBody=body(OBJ_REQUIRED))),
                                      {("new-required-request-property", B)}, None),
    "new-optional-request-property": (api(op(requestBody=body(EMPTY))), api(op(requestBody=body(OBJ))),
                                      {("new-optional-request-property", I)}, None),
    "new-required-request-property-with-default": (api(op(requestBody=body(EMPTY))),
                                                   api(op(requestBody=body(OBJ_DEFAULT_REQUIRED))),
                                                   {("new-required-request-property-with-default", B)}, None),
    "request-property-removed": (api(op(requestBody=body(OBJ))), api(op(requestBody=body(EMPTY))),
                                 {("request-property-removed", W)}, None),
    "request-property-became-required": (api(op(requestBody=body(OBJ))), api(op(requestBody=body(OBJ_REQUIRED))),
                                         {("request-property-became-required", B)}, None),
    "request-property-became-required-with-default": (
        api(op(requestBody=body(OBJ_DEFAULT))), api(op(requestBody=body(OBJ_DEFAULT_REQUIRED))),
        {("request-property-became-required-with-default", B)}, None),
    "request-property-became-optional": (api(op(requestBody=body(OBJ_REQUIRED))), api(op(requestBody=body(OBJ))),
                                         {("request-property-became-optional", I)}, None),
    "response-success-status-removed": (api(responds("200", "201")), api(responds("200")),
                                        {("response-success-status-removed", B)}, None),
    "response-non-success-status-removed": (api(responds("200", "404")), api(responds("200")),
                                            {("response-non-success-status-removed", I)}, None),
    "response-success-status-added": (api(responds("200", "default")), api(responds("200", "201", "default")),
                                      {("response-success-status-added", I)}, None),
    "response-non-success-status-added": (api(responds("200", "4XX")), api(responds("200", "4XX", "404")),
                                          {("response-non-success-status-added", I)}, None),
    "response-status-added-without-default": (api(responds("200")), api(responds("200", "201")),
                                              {("response-status-added-without-default", B)}, None),
    "response-error-status-added-without-default": (api(responds("200")), api(responds("200", "404")),
                                                    {("response-error-status-added-without-default", W)}, None),
    "response-media-type-removed": (api(responds("200", schema=STRING)),
                                    api(responds("200", schema=STRING, media="text/plain")),
                                    {("response-media-type-removed", B), ("response-media-type-added", I)}, None),
    "response-media-type-added": (api(responds("200", schema=STRING, media="text/plain")),
                                  api(responds("200", schema=STRING)),
                                  {("response-media-type-removed", B), ("response-media-type-added", I)}, None),
    "response-media-type-name-generalized": (api(responds("200", schema=STRING)),
                                             api(responds("200", schema=STRING, media="application/*")),
                                             {("response-media-type-name-generalized", B)}, None),
    "response-media-type-name-specialized": (api(responds("200", schema=STRING, media="application/*")),
                                             api(responds("200", schema={"type": "integer"})),
                                             {("response-media-type-name-specialized", I),
                                              ("response-body-type-changed", B)}, None),
    "response-body-media-type-schema-added": (
        api(op(responses={"200": {"description": "d", "content": {"application/json": {}}}})),
        api(responds("200", schema=STRING)), {("response-body-media-type-schema-added", I)}, None),
    "response-body-media-type-schema-removed": (
        api(responds("200", schema=STRING)),
        api(op(responses={"200": {"description": "d", "content": {"application/json": {}}}})),
        {("response-body-media-type-schema-removed", W)}, None),
    "required-response-header-removed": (api(responds("200", headers=rate(True))), api(responds("200")),
                                         {("required-response-header-removed", B)}, None),
    "optional-response-header-removed": (api(responds("200", headers=rate(False))), api(responds("200")),
                                         {("optional-response-header-removed", W)}, None),
    "response-header-became-optional": (api(responds("200", headers=rate(True))),
                                        api(responds("200", headers=rate(False))),
                                        {("response-header-became-optional", B)}, None),
    "response-header-became-required": (api(responds("200", headers=rate(False))),
                                        api(responds("200", headers=rate(True))),
                                        {("response-header-became-required", I)}, None),
    "new-response-header": (api(responds("200")), api(responds("200", headers=rate(False))),
                            {("new-response-header", I)}, None),
    "response-required-property-removed": (api(responds("200", schema=OBJ_REQUIRED)),
                                           api(responds("200", schema=EMPTY)),
                                           {("response-required-property-removed", B)}, None),
    "response-optional-property-removed": (api(responds("200", schema=OBJ)), api(responds("200", schema=EMPTY)),
                                           {("response-optional-property-removed", W)}, None),
    "response-property-became-optional": (api(responds("200", schema=OBJ_REQUIRED)),
                                          api(responds("200", schema=OBJ)),
                                          {("response-property-became-optional", B)}, None),
    "response-property-became-required": (api(responds("200", schema=OBJ)),
                                          api(responds("200", schema=OBJ_REQUIRED)),
                                          {("response-property-became-required", I)}, None),
    "response-required-property-added": (api(responds("200", schema=EMPTY)),
                                         api(responds("200", schema=OBJ_REQUIRED)),
                                         {("response-required-property-added", I)}, None),
    "response-optional-property-added": (api(responds("200", schema=EMPTY)), api(responds("200", schema=OBJ)),
                                         {("response-optional-property-added", I)}, None),
}


def _with_property(side: str, **keywords: Any) -> dict[str, Any]:
    schema = {"type": "object", "properties": {"a": {"type": "string", **keywords}}}
    return api(op(requestBody=body(schema))) if side == "request" else api(responds("200", schema=schema))


for _side in ("request", "response"):
    for _rule, _old, _new, _policy in (
        ("deprecated", {}, {"deprecated": True}, None),
        ("deprecated-with-sunset", {}, {"deprecated": True, "x-sunset": FUTURE}, STRICT),
        ("deprecated-sunset-missing", {}, {"deprecated": True}, STRICT),
        ("deprecated-sunset-invalid", {}, {"deprecated": True, "x-sunset": "soon"}, None),
        ("sunset-date-too-small", {}, {"deprecated": True, "x-sunset": PAST}, STRICT),
        ("reactivated", {"deprecated": True}, {}, None),
        ("stability-decreased", {"x-stability-level": "stable"}, {"x-stability-level": "beta"}, None),
        ("stability-increased", {"x-stability-level": "alpha"}, {"x-stability-level": "beta"}, None),
    ):
        _id = f"{_side}-property-{_rule}"
        OPERATION_CASES[_id] = (_with_property(_side, **_old), _with_property(_side, **_new),
                                {(_id, RULES[_id].level)}, _policy)


@pytest.mark.parametrize("rule_id", sorted(OPERATION_CASES))
def test_operation_rule_fixture_pair(rule_id: str) -> None:
    old, new, expected, policy = OPERATION_CASES[rule_id]
    assert (rule_id, RULES[rule_id].level) in expected
    found = {(c.rule, c.level) for c in diff_documents(old, "3.1.0", new, "3.1.0", policy)}
    assert found == expected


def test_every_rule_of_the_catalogue_has_a_fixture_pair() -> None:
    """Schema rules (every prefix, callback twins included), operation rules, lifecycle,
    callbacks and webhooks, and the version check (tests/accord/diff/test_policy.py)."""
    covered = {f"{prefix}-{suffix}" for prefix in (*SCHEMA_PREFIXES, *CALLBACK_PREFIXES) for suffix in SCHEMA_CASES}
    covered |= {rule for case in OPERATION_CASES.values() for rule, _ in case[2]}
    covered |= {rule for case in LIFECYCLE_CASES for rule, _ in case[3]}
    covered |= {rule for _, _, (rule, _) in CALLBACK_CASES} | {"callback-added", "callback-removed"}
    covered |= {"api-version-not-bumped", "api-major-version-not-bumped"}
    assert set(SCHEMA_SUFFIXES) == set(SCHEMA_CASES)
    assert set(RULES) - covered == set()
    assert all(swap_roles(r) in RULES for r in ("request-property-removed", "response-required-property-removed"))
