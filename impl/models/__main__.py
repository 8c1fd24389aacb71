"""`python -m impl.models build`: the shared models directory of the cluster deployment, built once.

Replicas and workers of the cluster deployment never train (`ACCORD_JOBS_DATABASE_URL` set): they
load these artefacts and check each one's sha256 against its manifest. Build them once, on one
machine, into a directory every replica and worker reads (a shared volume, or a copy of it):

    python -m impl.models build [--models-dir DIR]      # default: ACCORD_MODELS_DIR

Models already in DIR are kept (a build never replaces what replicas serve); missing ones are
trained. Then every model is loaded as a replica would and listed with its version and sha256.
Exit 0 when all are ready, 1 when any is refused, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accord.errors import AccordError
from impl.config import Settings
from impl.models import store
from impl.models.catalogue import MODEL_VERSION, MODELS
from impl.models.registry import ModelRegistry
from impl.models.training import train


def build(models_dir: Path) -> int:
    for definition in MODELS.values():
        with store.training_lock(models_dir):
            if store.exists(models_dir, definition.id, MODEL_VERSION):
                print(f"kept     {definition.id} {MODEL_VERSION}")
                continue
            trained = train(definition)
            store.save(models_dir, trained.pipeline, trained.manifest)
            print(f"trained  {definition.id} {MODEL_VERSION}")
    registry = ModelRegistry(models_dir, train=False).load_all()
    refused = 0
    for entry in registry.entries.values():
        if entry.ready:
            sha = (entry.manifest or {}).get("sha256", "")
            print(f"ready    {entry.definition.id} {entry.version} sha256:{sha}")
        else:
            refused += 1
            print(f"refused  {entry.definition.id} {entry.version}: {entry.error}", file=sys.stderr)
    print(f"{models_dir}: {len(registry.entries) - refused} of {len(registry.entries)} models ready")
    return 1 if refused else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m impl.models", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="train the models missing from the directory, then verify all")
    build_parser.add_argument("--models-dir", type=Path, default=None,
                              help="where the artefacts go (default: ACCORD_MODELS_DIR, .accord/models)")
    args = parser.parse_args(argv)
    try:
        models_dir = args.models_dir or Settings.from_env().models_dir
        return build(models_dir)
    except AccordError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
