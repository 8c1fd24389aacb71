"""mock/security.py: OR of ANDs, shapes of credentials, configured keys."""

from __future__ import annotations

import base64

import pytest

from accord.mock.parameters import RequestParts, parse_query
from accord.mock.security import compile_security, configured_keys

SCHEMES = {
    "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
    "qkey": {"type": "apiKey", "in": "query", "name": "key"},
    "ckey": {"type": "apiKey", "in": "cookie", "name": "sid"},
    "bearer": {"type": "http", "scheme": "bearer"},
    "basic": {"type": "http", "scheme": "basic"},
    "oauth": {"type": "oauth2", "flows": {}},
    "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://x"},
    "mtls": {"type": "mutualTLS"},
}


def request(headers=None, query=b"") -> RequestParts:
    return RequestParts({}, parse_query(query), headers or {})


def basic(user_pass: str) -> str:
    return "Basic " + base64.b64encode(user_pass.encode()).decode()


@pytest.mark.parametrize(
    ("scheme", "ok", "bad"),
    [
        ("key", {"headers": {"x-key": "k"}}, {"headers": {}}),
        ("qkey", {"query": b"key=k"}, {"query": b"other=k"}),
        ("ckey", {"headers": {"cookie": "sid=k"}}, {"headers": {"cookie": "other=k"}}),
        ("bearer", {"headers": {"authorization": "Bearer k"}}, {"headers": {"authorization": "Bearer"}}),
        ("oauth", {"headers": {"authorization": "Bearer k"}}, {"headers": {"authorization": basic("u:k")}}),
        ("oidc", {"headers": {"authorization": "bearer k"}}, {"headers": {}}),
        ("basic", {"headers": {"authorization": basic("u:k")}}, {"headers": {"authorization": "Basic !!!"}}),
    ],
)
def test_each_scheme(scheme, ok, bad):
    security = compile_security([{scheme: []}], SCHEMES)
    assert security.check(request(**ok), ()) == []
    violations = security.check(request(**bad), ())
    assert violations and violations[0].kind == "security"


def test_or_of_ands():
    security = compile_security([{"bearer": []}, {"key": [], "qkey": []}], SCHEMES)
    assert security.check(request({"authorization": "Bearer t"}), ()) == []
    assert security.check(request({"x-key": "k"}, b"key=k"), ()) == []
    assert security.check(request({"x-key": "k"}), ())  # half of the AND
    assert set(security.challenges) == {"Bearer", 'ApiKey in="header", name="X-Key"', 'ApiKey in="query", name="key"'}


def test_empty_requirement_makes_security_optional():
    assert compile_security([{}, {"key": []}], SCHEMES).alternatives == ()


def test_unsupported_schemes_pass():
    assert compile_security([{"mtls": []}], SCHEMES).check(request(), ()) == []


def test_configured_keys_check_the_credential():
    keys = configured_keys(["right", " other "])
    assert keys == (b"right", b"other")
    key = compile_security([{"key": []}], SCHEMES)
    assert key.check(request({"x-key": "right"}), keys) == []
    assert "not a known key" in key.check(request({"x-key": "wrong"}), keys)[0].message
    bearer = compile_security([{"basic": []}], SCHEMES)
    assert bearer.check(request({"authorization": basic("anyone:other")}), keys) == []


def test_keys_from_environment(monkeypatch):
    monkeypatch.setenv("ACCORD_API_KEYS", "a,,b")
    assert configured_keys(None) == (b"a", b"b")
    monkeypatch.delenv("ACCORD_API_KEYS")
    assert configured_keys(None) == ()


def test_keys_from_a_file_as_the_service_reads_them(monkeypatch, tmp_path):
    file = tmp_path / "keys"
    file.write_text("# the web team's\nfirst\n\n  second  \n", encoding="utf-8")
    monkeypatch.delenv("ACCORD_API_KEYS", raising=False)
    monkeypatch.setenv("ACCORD_API_KEYS_FILE", str(file))
    assert configured_keys(None) == (b"first", b"second")
    monkeypatch.setenv("ACCORD_API_KEYS", "env-wins")
    assert configured_keys(None) == (b"env-wins",)


def test_challenges_name_the_schemes_the_client_did_not_try():
    # Prism's rule: a missing Authorization header (or one under another scheme) is challenged by
    # every HTTP scheme that fails; Basic credentials sent as Basic but malformed are not, since
    # the client already chose the scheme; API keys are never challenged.
    security = compile_security([{"basic": []}, {"key": []}, {"bearer": [], "oauth": []}], SCHEMES)
    assert security.tags(request()) == ['Basic realm="*"', "Bearer", "OAuth2"]
    assert security.tags(request({"authorization": "Basic abc123"})) == ["Bearer", "OAuth2"]
    assert security.tags(request({"authorization": "basic"})) == ["Bearer", "OAuth2"]
    assert security.tags(request({"authorization": "Digest abc123"})) == ['Basic realm="*"', "Bearer", "OAuth2"]
    assert security.tags(request({"authorization": "Bearer t"})) == ['Basic realm="*"']
    digest = compile_security([{"digest": []}], {"digest": {"type": "http", "scheme": "digest"}})
    assert digest.tags(request({"authorization": "Digest abc123"})) == []
    assert digest.tags(request({"authorization": "Bearer t"})) == ['Digest realm="*", nonce="abc123"']
