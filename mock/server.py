"""Run the mock under uvicorn (uvloop + httptools, no access log) and reload on edits.

Every file the document is made of (`spec.files`) is watched. An edit that breaks the
document keeps the last good version serving and logs the located errors; the journal
survives reloads.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.errors import AccordError, FindingsError
from accord.loading import Spec, load_spec
from accord.mock.app import MockApp, create_app
from accord.mock.proxy import Upstream
from accord.mock.settings import MockSettings

if TYPE_CHECKING:
    from accord.mock.recording import Recorder  # imported when recording (--record)

log = logging.getLogger("accord.mock")


class ReloadingApp:
    """ASGI app that forwards to the current MockApp and swaps it when the document changes."""

    def __init__(self, spec: Spec, settings: MockSettings, *, upstream: Upstream | None = None,
                 recorder: Recorder | None = None) -> None:
        self.path = spec.path
        self.source_format = spec.source_format
        self.files = list(spec.files)
        self.settings = settings
        # Built once: the proxy's connections and the recording outlive any reload.
        self.upstream = upstream
        self.recorder = recorder
        self.current: MockApp = self._create(spec)
        self.watch = settings.watch
        self._stamps = _stamps(self.files)  # the files' versions the serving app was built from
        self._stop: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        #: Start the background work (warm-up, file watch) at lifespan start-up; `run` starts it once
        #: the socket listens instead (`start_background`), so that it cannot delay the first answer.
        self.background_at_startup = True

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":  # as MockApp.__call__, without its coroutine
            app = self.current
            ready = app.prepared(scope)
            if ready is None:
                await app.handle(scope, receive, send)
            else:
                await send(ready[0])
                await send(ready[1])
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    @property
    def immediate(self) -> bool:
        """Whether the serving app answers without waiting (MockApp.immediate)."""
        return self.current.immediate

    def answer_now(self, scope: dict[str, Any], body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
        """The serving app's answer, at once (MockApp.answer_now)."""
        return self.current.answer_now(scope, body)

    def start_background(self) -> None:
        """Compile the remaining operations between requests, then watch the document's files."""
        if self._tasks:
            return
        if self.watch:
            self._stop = asyncio.Event()
        self._tasks.append(asyncio.get_running_loop().create_task(self._background()))

    async def _background(self) -> None:
        # The watch starts after the warm-up: setting it up holds the loop (~18 ms, anyio's import
        # by watchfiles), which would otherwise delay the first answers; an edit made before it
        # starts is still seen (`_watch` compares the files with what was read).
        try:
            await self.current.warm_up()
        except Exception:  # an operation the warm-up could not prepare must not leave the files unwatched
            log.exception("%s: preparing the operations in the background failed", self.path)
        if self.watch:
            await self._watch()

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.background_at_startup:
                    self.start_background()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._stop is not None:
                    self._stop.set()
                for task in self._tasks:
                    task.cancel()
                if self.current.proxy is not None:
                    await self.current.proxy.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _watch(self) -> None:
        """Reload on every edit of the document's files, losing none made while a reload runs.

        One watcher covers the folders of the document's files and stays open across reloads:
        it keeps collecting changes while a reload runs, so an edit made meanwhile (the second
        of two quick edits) triggers the next reload. It is only restarted when a reload brings
        in a file from a new folder; then any file that changed since it was read is reloaded
        at once rather than waiting for an event the new watcher never saw.
        """
        from watchfiles import awatch

        assert self._stop is not None
        await self._catch_up()  # edited before the watch
        while not self._stop.is_set():
            folders = self._folders()
            async for _changes in awatch(*folders, watch_filter=self._is_document_file, recursive=False,
                                         stop_event=self._stop, debounce=300, step=50):
                if await self.reload() and self._folders() != folders:
                    break  # a file in a new folder: watch the new set of folders
            else:
                return
            await self._catch_up()

    async def _catch_up(self) -> None:
        """Reload while a file differs from what the serving version was built from (an edit no
        watcher saw); a broken edit stops it: the next event brings the next attempt."""
        assert self._stop is not None
        while self._stamps != _stamps(self.files) and not self._stop.is_set():
            if not await self.reload():
                break

    def _folders(self) -> list[str]:
        return sorted({str(Path(file).resolve().parent) for file in self.files})

    def _is_document_file(self, _change: Any, path: str) -> bool:
        return str(Path(path).resolve()) in {str(Path(file).resolve()) for file in self.files}

    async def reload(self) -> bool:
        """Load and compile the document again; True when the new version is serving."""
        try:
            spec, app, stamps = await asyncio.to_thread(self._build)
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
        gc.unfreeze()  # the first version may have been frozen at start-up (run): let it be collected
        self.files = list(spec.files)
        self._stamps = stamps
        log.info("%s reloaded: %d operations", self.path, len(app.api.operations))
        asyncio.get_running_loop().create_task(app.warm_up())
        return True

    def _build(self) -> tuple[Spec, MockApp, dict[str, tuple[int, int] | None]]:
        before = _stamps(self.files)  # taken before reading: an edit made during the build differs
        spec = load_spec(self.path, allow_remote=self.settings.allow_remote, allow_outside=self.settings.allow_outside,
                         convert=True)
        after = _stamps(spec.files)
        stamps = {file: before.get(file, stamp) for file, stamp in after.items()}
        return spec, self._create(spec), stamps

    def _create(self, spec: Spec) -> MockApp:
        return create_app(spec, self.settings, upstream=self.upstream, recorder=self.recorder)


def _stamps(files: list[Path]) -> dict[str, tuple[int, int] | None]:
    """Each file's (modification time, size), None for a missing file."""
    stamps: dict[str, tuple[int, int] | None] = {}
    for file in files:
        try:
            stat = Path(file).stat()
        except OSError:
            stamps[str(file)] = None
        else:
            stamps[str(file)] = (stat.st_mtime_ns, stat.st_size)
    return stamps


def carry_behaviour(old: MockApp, new: MockApp) -> None:
    """Keep what the web team set up across a reload: the chosen scenario, the stored resources."""
    if old.behaviour.scenario in new.behaviour.scenarios:
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


def build(spec_path: str | Path, settings: MockSettings | None = None, **options: Any) -> ReloadingApp:
    """Load and compile the document; raises accord errors (located) before any port is bound.

    `settings` (mock/settings.py), with `options` changing some of its fields. The proxy's
    upstream (mock/proxy.py) and the recorder (mock/recording.py) are built once here and
    survive reloads.
    """
    settings = MockSettings.of(settings, **options) if options else settings or MockSettings()
    spec = load_spec(spec_path, allow_remote=settings.allow_remote, allow_outside=settings.allow_outside,
                     convert=True)
    upstream = Upstream(settings.proxy, errors=settings.errors) if settings.proxy else None
    recorder = None
    if settings.record:
        from accord.mock.recording import Recorder

        recorder = Recorder(settings.record, spec.document, contract=str(spec_path))
    return ReloadingApp(spec, settings, upstream=upstream, recorder=recorder)


def source_label(source_format: str | None, version: str) -> str:
    """What the document is, for the start-up line: a converted one says what it was."""
    if source_format == "2.0":
        return f"Swagger 2.0, served as OpenAPI {version}"
    if source_format == "postman":
        return f"Postman collection, served as OpenAPI {version}"
    return f"OpenAPI {version}"


def run(spec_path: str | Path, settings: MockSettings | None = None, *, log_level: str = "info",
        **options: Any) -> None:
    """Serve the document until interrupted (one worker; uvloop and httptools when present)."""
    import uvicorn

    _configure_logging(log_level)
    settings = MockSettings.of(settings, **options) if options else settings or MockSettings()
    # The build makes the document and its compiled form: long-lived containers that the cyclic
    # collector would traverse again and again while they are made (GitHub's 13 MB description:
    # ~20 ms of a ~100 ms build). Collection waits for the build; what it made is then frozen out of
    # later collections (gc.freeze), and a reload unfreezes it so the replaced version can go.
    gc.disable()
    try:
        app = build(spec_path, settings)
    finally:
        gc.enable()
    gc.freeze()
    api = app.current.api
    log.info(
        "serving %s (%s, %d operations) on http://%s:%d — Swagger UI at /__accord/docs",
        spec_path,
        source_label(app.source_format, api.version),
        len(api.operations),
        settings.host,
        settings.port,
    )
    if settings.proxy:
        if settings.errors:
            log.info("validating proxy to %s: contract breaks are answered as errors (--errors)", settings.proxy)
        else:
            log.info("validating proxy to %s: every request is forwarded, contract breaks reported in "
                     "sl-violations (--errors to answer them)", settings.proxy)
    if settings.record:
        log.info("recording the interactions into %s", settings.record)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        loop="uvloop" if _has("uvloop") else "asyncio",
        http=protocol(),
        ws="none",  # the mock serves no WebSocket; uvicorn's default would import `websockets` (~8 ms)
        access_log=False,
        lifespan="on",
        log_level="warning" if log_level == "info" else log_level,
        proxy_headers=False,  # nothing in the mock reads the client's address or scheme
    )
    from accord.interrupts import run as run_server

    # The warm-up and the file watch start once the socket listens: started with the lifespan, the
    # watch's set-up alone (watchfiles' import, its watcher thread) came before listening (~15 ms).
    app.background_at_startup = False
    run_server(config, bind_first=True, on_listening=app.start_background)  # Ctrl-C: KeyboardInterrupt, exit 130


def protocol() -> Any:
    """The HTTP protocol the mock runs under uvicorn: httptools with direct answers (mock/protocol.py)
    when httptools is installed, else uvicorn's h11."""
    if not _has("httptools"):
        return "h11"
    from accord.mock.protocol import MockHttpProtocol

    return MockHttpProtocol


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
