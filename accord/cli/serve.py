"""accord serve: a team's handlers (--app) bound to its contract, under uvicorn."""

from __future__ import annotations

from pathlib import Path

import click

from accord import config
from accord.cli.options import app_option


@click.command("serve")
@click.option("--spec", type=click.Path(dir_okay=False, path_type=Path), default=config.DEFAULT_SPEC,
              envvar="ACCORD_SPEC", show_default=True, help="The contract the service is bound to.")
@app_option
@click.option("--host", default=config.DEFAULT_HOST, envvar="ACCORD_HOST", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=config.DEFAULT_SERVE_PORT,
              envvar="ACCORD_SERVE_PORT", show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, envvar="ACCORD_WORKERS", show_default=True)
def command(spec: Path, app: str, host: str, port: int, workers: int) -> None:
    """Serve the handlers in APP as the implementation of SPEC (Connexion, validated both ways).

    Start-up fails before binding the port when an operationId has no handler (`accord scaffold`
    writes stubs). Credentials for the contract's security schemes: ACCORD_API_KEYS (or
    ACCORD_API_KEYS_FILE; without them the development key accord-dev-key is accepted),
    ACCORD_BEARER_TOKENS, ACCORD_BASIC_CREDENTIALS. ACCORD_VALIDATE_RESPONSES=0 turns response
    validation off (production). Restart to pick up a new handler.
    """
    from accord.errors import UsageError
    from accord.ports import ensure_free
    from accord.service import ServiceSettings, serve

    if not spec.is_file():
        raise UsageError(f"{spec}: no such file (--spec, ACCORD_SPEC or [tool.accord] spec)")
    settings = ServiceSettings.from_env(spec_path=spec, app=app)
    ensure_free(host, port, command="accord serve", hint="--port or ACCORD_SERVE_PORT")
    serve(settings, host=host, port=port, workers=workers)
