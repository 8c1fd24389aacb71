"""Run the mock under uvicorn (uvloop + httptools, no access log) and reload on edits.

Every file the document is made of (`spec.files`) is watched. An edit that breaks the
document keeps the last good version serving and logs the located errors; the journal
survives reloads.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from accord.mock.app import MockApp, create_app

from accord.errors import AccordError, FindingsError
from accord.loading import Spec, load_spec

log = logging.getLogger("accord.mock")


class ReloadingApp:
    """ASGI app that forwards to the current MockApp and swaps it when the document changes."""

    def __init__(self, spec: Spec, options: dict[str, Any], *, watch: bool = True) -> None:
        self.path = spec.path
        self.files = list(spec.files)
        self.options = options
        self.current: MockApp = create_app(spec, **options)
        self.watch = watch
        self._stop: asyncio.Event | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        else:
            await self.current(scope, receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        tasks: list[asyncio.Task[Any]] = []
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                loop = asyncio.get_running_loop()
                tasks.append(loop.create_task(self.current.warm_up()))
                if self.watch:
                    self._stop = asyncio.Event()
                    tasks.append(loop.create_task(self._watch()))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._stop is not None:
                    self._stop.set()
                for task in tasks:
                    task.cancel()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _watch(self) -> None:
        from watchfiles import awatch

        assert self._stop is not None
        while not self._stop.is_set():
            watched = [str(f) for f in self.files]
            async for _changes in awatch(*watched, stop_event=self._stop, debounce=300, step=50):
                if await self.reload():
                    break  # the set of files may have changed: watch the new set
            else:
                return

    async def reload(self) -> bool:
        """Load and compile the document again; True when the new version is serving."""
        try:
            spec, app = await asyncio.to_thread(self._build)
        except FindingsError as exc:
            log.error("%s: the edited document cannot be served; still serving the last good version", self.path)
            for finding in exc.findings:
                log.error("  %s", finding.render())
            return False
        except AccordError as exc:
            log.error("%s; still serving the last good version", exc)
            return False
        app.journal = self.current.journal
        app.docs.journal = app.journal
        carry_behaviour(self.current, app)
        self.current = app
        self.files = list(spec.files)
        log.info("%s reloaded: %d operations", self.path, len(app.api.operations))
        asyncio.get_running_loop().create_task(app.warm_up())
        return True

    def _build(self) -> tuple[Spec, MockApp]:
        spec = load_spec(self.path)
        return spec, create_app(spec, **self.options)


def carry_behaviour(old: MockApp, new: MockApp) -> None:
    """Keep what the web team set up across a reload: the chosen scenario, the stored resources."""
    if old.behaviour.scenario in new.behaviour.behaviour.scenarios:
        new.behaviour.scenario = old.behaviour.scenario
    if old.state is not None and new.state is not None:
        new.state.store = old.state.store


def _configure_logging(level: str) -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("accord mock: %(levelname)s: %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.setLevel(level.upper())


def build(
    spec_path: str | Path,
    *,
    dynamic: bool = False,
    seed: int | str | None = None,
    cors: bool = True,
    api_keys: Iterable[str] | None = None,
    validate_requests: bool = True,
    watch: bool = True,
    allow_remote: bool = False,
    allow_outside: bool = False,
    proxy: str | None = None,
    strict: bool = False,
    forward_invalid: bool = False,
    record: str | Path | None = None,
    stateful: bool = False,
    rules: str | Path | None = None,
    scenario: str | None = None,
) -> ReloadingApp:
    """Load and compile the document; raises accord errors (located) before any port is bound.

    `proxy`: forward to this URL and validate both ways (mock/proxy.py); `record`: write a
    consumer contract (mock/recording.py). Both are built once and survive reloads.
    """
    from accord.mock.proxy import Upstream
    from accord.mock.recording import Recorder

    spec = load_spec(spec_path, allow_remote=allow_remote, allow_outside=allow_outside)
    options = {
        "proxy": Upstream(proxy, strict=strict, forward_invalid=forward_invalid) if proxy else None,
        "record": Recorder(record, spec.document, contract=str(spec_path)) if record else None,
        "dynamic": dynamic,
        "seed": seed,
        "cors": cors,
        "api_keys": api_keys,
        "validate_requests": validate_requests,
        "stateful": stateful,
        "rules": rules,
        "scenario": scenario,
    }
    return ReloadingApp(spec, options, watch=watch)


def run(
    spec_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 4010,
    *,
    log_level: str = "info",
    **options: Any,
) -> None:
    """Serve the document until interrupted (one worker; uvloop and httptools when present)."""
    import uvicorn

    _configure_logging(log_level)
    app = build(spec_path, **options)
    api = app.current.api
    log.info(
        "serving %s (OpenAPI %s, %d operations) on http://%s:%d — Swagger UI at /__accord/docs",
        spec_path,
        api.version,
        len(api.operations),
        host,
        port,
    )
    if options.get("proxy"):
        strict = " (strict)" if options.get("strict") else ""
        log.info("validating proxy: valid requests go to %s%s", options["proxy"], strict)
    if options.get("record"):
        log.info("recording the interactions into %s", options["record"])
    http: Any = "h11"
    if _has("httptools"):
        # httptools, with a problem+json 400 (not text/plain) for requests its parser refuses.
        from accord.protocol import ProblemHttpToolsProtocol

        http = ProblemHttpToolsProtocol
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop" if _has("uvloop") else "asyncio",
        http=http,
        access_log=False,
        lifespan="on",
        log_level="warning" if log_level == "info" else log_level,
    )
    uvicorn.Server(config).run()


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
