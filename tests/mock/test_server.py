"""mock/server.py: reload on edits of any file of the document, keep the last good version."""

from __future__ import annotations

import asyncio
import gc
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from conftest import FIXTURES

from accord.errors import DocumentError, RefError
from accord.mock.server import ReloadingApp, build, source_label


@pytest.fixture
def multifile(tmp_path: Path) -> Path:
    target = tmp_path / "doc"
    shutil.copytree(FIXTURES / "mock-multifile", target)
    return target


async def get_version(app: ReloadingApp) -> int:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
        return (await client.get("/things")).json()["version"]


def test_build_refuses_an_unloadable_document_before_serving():
    with pytest.raises(RefError) as caught:
        build(FIXTURES / "mock-broken" / "openapi.yaml", watch=False)
    assert caught.value.findings[0].file.endswith("mock-broken/openapi.yaml")
    assert caught.value.findings[0].line == 5


def test_reload_follows_an_edit_of_a_referenced_file(multifile: Path):
    app = build(multifile / "openapi.yaml", watch=False)
    assert sorted(Path(f).name for f in app.files) == ["openapi.yaml", "paths.yaml"]

    async def scenario() -> tuple[int, bool, int]:
        before = await get_version(app)
        (multifile / "paths.yaml").write_text(
            (multifile / "paths.yaml").read_text().replace("version: 1", "version: 2")
        )
        reloaded = await app.reload()
        return before, reloaded, await get_version(app)

    assert asyncio.run(scenario()) == (1, True, 2)


def test_a_broken_edit_keeps_the_last_good_version(multifile: Path, caplog):
    app = build(multifile / "openapi.yaml", watch=False)
    (multifile / "paths.yaml").write_text("things: {get: [unclosed\n")

    async def scenario() -> tuple[bool, int]:
        return await app.reload(), await get_version(app)

    assert asyncio.run(scenario()) == (False, 1)
    assert "paths.yaml" in caplog.text and "last good version" in caplog.text


def test_watching_reloads_a_running_server(multifile: Path):
    app = build(multifile / "openapi.yaml", watch=True)

    async def scenario() -> int:
        events: asyncio.Queue = asyncio.Queue()
        await events.put({"type": "lifespan.startup"})
        sent: list[dict] = []

        async def send(message: dict) -> None:
            sent.append(message)

        lifespan = asyncio.create_task(app({"type": "lifespan"}, events.get, send))
        while not sent:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)  # the watcher is running
        paths = multifile / "paths.yaml"
        paths.write_text(paths.read_text().replace("version: 1", "version: 3"))
        for _ in range(200):
            if await get_version(app) == 3:
                break
            await asyncio.sleep(0.05)
        await events.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(lifespan, 5)
        return await get_version(app)

    assert asyncio.run(scenario()) == 3


def test_an_edit_made_before_the_watch_starts_is_reloaded(multifile: Path):
    """The watch starts after the background warm-up (so that setting it up cannot delay the first
    answers); an edit made between the load and the watch's start has no event, and is still seen."""
    app = build(multifile / "openapi.yaml", watch=True)
    paths = multifile / "paths.yaml"
    paths.write_text(paths.read_text().replace("version: 1", "version: 4"))

    async def scenario() -> int:
        app.start_background()
        for _ in range(200):
            if await get_version(app) == 4:
                break
            await asyncio.sleep(0.05)
        assert app._stop is not None
        app._stop.set()
        await asyncio.wait_for(asyncio.gather(*app._tasks), 5)
        return await get_version(app)

    assert asyncio.run(scenario()) == 4


def test_accord_mock_starts_its_background_work_once_it_listens(multifile: Path, monkeypatch):
    """`run` (the CLI) starts the warm-up and the watch from uvicorn's start-up, once the socket
    listens, not from the lifespan (which runs before)."""
    from accord import interrupts
    from accord.mock import server as server_module

    seen: dict[str, object] = {}

    def fake_run(config: uvicorn.Config, *, bind_first: bool, on_listening) -> None:
        seen.update(app=config.app, bind_first=bind_first, on_listening=on_listening)

    monkeypatch.setattr(interrupts, "run", fake_run)
    try:
        server_module.run(multifile / "openapi.yaml", port=0, watch=False)
    finally:
        gc.unfreeze()  # run froze what it built (and all of this test process) out of collections
    app = seen["app"]
    assert isinstance(app, ReloadingApp)
    assert (seen["bind_first"], seen["on_listening"], app.background_at_startup) == (True, app.start_background, False)


@contextmanager
def running(app: ReloadingApp) -> Iterator[str]:
    """The reloading app served by uvicorn on a free loopback port, with its lifespan (the watcher)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), "the mock did not start"
            time.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_an_edit_made_while_a_reload_runs_is_not_lost(multifile: Path, monkeypatch):
    """Two quick edits (docs/data-team.md step 1: a path file, then the root): the second lands
    while the reload the first one triggered is running, after that reload read the files. The
    mock must still end up serving it."""
    app = build(multifile / "openapi.yaml", watch=True)
    root, paths = multifile / "openapi.yaml", multifile / "paths.yaml"
    first_build = app._build
    second_edit = threading.Event()

    def build_then_edit():  # the real build, then the second edit before the reload completes
        built = first_build()
        if not second_edit.is_set():
            root.write_text(root.read_text() + "  /more:\n    $ref: paths.yaml#/things\n")
            second_edit.set()
        return built

    monkeypatch.setattr(app, "_build", build_then_edit)
    with running(app) as base, httpx.Client(base_url=base) as client:
        time.sleep(0.3)  # the watcher is running
        paths.write_text(paths.read_text().replace("version: 1", "version: 2"))
        deadline = time.monotonic() + 20
        while client.get("/more").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert second_edit.is_set()
        assert client.get("/more").json() == {"version": 2}
        assert client.get("/things").json() == {"version": 2}


def test_unparseable_root_is_a_document_error(tmp_path: Path):
    (tmp_path / "openapi.yaml").write_text("openapi: 3.0.3\npaths: [\n")
    with pytest.raises(DocumentError):
        build(tmp_path / "openapi.yaml", watch=False)


def test_a_reload_keeps_the_chosen_scenario_and_the_stored_resources():
    root = Path(__file__).resolve().parents[2]
    app = build(root / "tests" / "fixtures" / "mock-notes" / "openapi.yaml", watch=False, stateful=True,
                rules=root / "tests" / "fixtures" / "mock-notes" / "behaviour.yaml")

    async def scenario() -> tuple[int, str, int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            created = (await client.post("/notes", json={"text": "kept"})).json()
            await client.put("/__accord/scenario", json={"scenario": "quiet"})
            before = app.current
            assert await app.reload() and app.current is not before
            kept = await client.get(f"/notes/{created['noteId']}")
            return kept.status_code, (await client.get("/__accord/scenario")).json()["scenario"], created["noteId"]

    assert asyncio.run(scenario()) == (200, "quiet", 1)


def test_a_reload_loads_the_document_as_the_first_load_did():
    app = build(FIXTURES / "outside-ref" / "inner" / "openapi.yaml", watch=False, allow_outside=True)
    assert asyncio.run(app.reload()) is True  # the reference outside the folder is still allowed


def test_the_start_up_line_says_what_a_converted_document_was():
    labels = {}
    for name, path in (("3", FIXTURES / "mock-petstore" / "openapi.yaml"),
                       ("2.0", next((FIXTURES / "mock-swagger2").glob("*.yaml"))),
                       ("postman", FIXTURES / "mock-postman" / "collection.json")):
        app = build(path, watch=False)
        labels[name] = source_label(app.source_format, app.current.api.version)
    assert labels == {"3": "OpenAPI 3.0", "2.0": "Swagger 2.0, served as OpenAPI 3.0",
                      "postman": "Postman collection, served as OpenAPI 3.0"}
