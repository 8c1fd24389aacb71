"""accord serve: the data team's service (impl/) under uvicorn."""

from __future__ import annotations

from pathlib import Path

import click

from accord import config


@click.command("serve")
@click.option("--spec", type=click.Path(dir_okay=False, path_type=Path), default=config.DEFAULT_SPEC,
              envvar="ACCORD_SPEC", show_default=True, help="The contract the service is bound to.")
@click.option("--host", default=config.DEFAULT_HOST, envvar="ACCORD_HOST", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=config.DEFAULT_SERVE_PORT,
              envvar="ACCORD_SERVE_PORT", show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, envvar="ACCORD_WORKERS", show_default=True)
def command(spec: Path, host: str, port: int, workers: int) -> None:
    """Serve the data team's implementation of SPEC (Connexion, real models, job store).

    Start-up fails before binding the port when an operationId has no handler. API keys come
    from ACCORD_API_KEYS (comma-separated) or ACCORD_API_KEYS_FILE; without them the
    development key accord-dev-key is accepted. ACCORD_VALIDATE_RESPONSES=0 turns response
    validation off (production).
    """
    from accord.ports import ensure_free
    from impl.app import serve

    ensure_free(host, port, command="accord serve", hint="--port or ACCORD_SERVE_PORT")
    serve(host=host, port=port, workers=workers, spec_path=str(spec))
