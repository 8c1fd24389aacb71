"""accord mock [SPEC]"""

from __future__ import annotations

from pathlib import Path

import click

from accord import config
from accord.cli.options import ref_policy, spec_argument


def _seed(value: str | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value.lstrip("-").isdigit() else value


@click.command("mock")
@spec_argument
@ref_policy
@click.option(
    "--host", default=config.DEFAULT_HOST, show_default=True, envvar="ACCORD_MOCK_HOST", help="Interface to bind."
)
@click.option(
    "--port",
    default=config.DEFAULT_MOCK_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    envvar="ACCORD_MOCK_PORT",
    help="Port to bind.",
)
@click.option(
    "--dynamic",
    is_flag=True,
    envvar="ACCORD_MOCK_DYNAMIC",
    help="Generate response data per request instead of serving examples.",
)
@click.option("--seed", default=None, envvar="ACCORD_MOCK_SEED", help="Seed for generated data (deterministic output).")
@click.option(
    "--json-schema-faker-fillProperties", "fill_properties", type=click.BOOL, default=None, metavar="BOOLEAN",
    help="With --dynamic: invent extra keys in objects that allow them (true) or not (false, the default); "
    "wins over the document's x-json-schema-faker, as in Prism.",
)
@click.option("--no-cors", is_flag=True, help="Do not answer CORS preflights or add CORS headers.")
@click.option(
    "--api-key",
    "api_keys",
    multiple=True,
    help="Accept only this key (repeatable); default: ACCORD_API_KEYS or ACCORD_API_KEYS_FILE, "
    "else any non-empty credential.",
)
@click.option("--no-watch", is_flag=True, help="Do not reload when the document's files change.")
@click.option("--no-validate-requests", is_flag=True, help="Serve responses without validating requests.")
@click.option("--proxy", default=None, envvar="ACCORD_MOCK_PROXY", metavar="URL",
              help="Validating proxy: forward requests to URL, check its responses, report contract breaks in "
              "sl-violations (501 → mocked).")
@click.option("--errors", "--strict", "errors", is_flag=True,
              help="With --proxy (Prism's --errors): answer contract breaks instead of forwarding them: an invalid "
              "request as the mock does, an unknown path 404, a response that breaks the contract 500.")
@click.option("--record", type=click.Path(dir_okay=False, path_type=Path), default=None, envvar="ACCORD_MOCK_RECORD",
              help="Write the interactions clients make to this consumer contract (Pact V4 JSON).")
@click.option(
    "--stateful", is_flag=True, envvar="ACCORD_MOCK_STATEFUL",
    help="Keep created resources: read back, listed, changed, deleted; jobs move through their statuses.",
)
@click.option(
    "--rules", type=click.Path(dir_okay=False, path_type=Path), default=None, envvar="ACCORD_MOCK_RULES",
    help="Behaviour file: response rules, latency, faults, scenarios (docs/mock-behaviour.md).",
)
@click.option(
    "--scenario", default=None, envvar="ACCORD_MOCK_SCENARIO", help="Scenario of the rules file active at start."
)
def command(
    spec: Path,
    allow_remote_refs: bool,
    allow_outside_refs: bool,
    host: str,
    port: int,
    dynamic: bool,
    seed: str | None,
    fill_properties: bool | None,
    no_cors: bool,
    api_keys: tuple[str, ...],
    no_watch: bool,
    no_validate_requests: bool,
    proxy: str | None,
    errors: bool,
    record: Path | None,
    stateful: bool,
    rules: Path | None,
    scenario: str | None,
) -> None:
    """Serve a mock of SPEC (OpenAPI 3.0/3.1, Swagger 2.0, a Postman collection) that never breaks its contract.

    Prism-compatible: `Prefer: code=, example=, dynamic=, seed=` and the `__code`/`__example`/
    `__dynamic`/`__seed` query parameters; Swagger UI at /__accord/docs.
    """
    from accord.mock.server import run
    from accord.mock.settings import MockSettings
    from accord.ports import ensure_free

    settings = MockSettings(
        host=host,
        port=port,
        watch=not no_watch,
        allow_remote=allow_remote_refs,
        allow_outside=allow_outside_refs,
        dynamic=dynamic,
        seed=_seed(seed),
        fill_properties=fill_properties,
        cors=not no_cors,
        api_keys=api_keys or None,
        validate_requests=not no_validate_requests,
        proxy=proxy,
        errors=errors,
        record=record,
        stateful=stateful,
        rules=rules,
        scenario=scenario,
    )
    ensure_free(host, port, command="accord mock", hint="--port or ACCORD_MOCK_PORT")
    run(spec, settings)
