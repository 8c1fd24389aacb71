"""The guides' commands run exactly as written (tests/guides.py): README.md, docs/web-team.md and
docs/data-team.md mark their runnable shell blocks with an HTML comment a reader does not see;
each guide is run in order against servers it starts itself, in a network namespace of its own
so its ports (4010, 8080, 4011) are free, with a fresh job store. A guide that drifts from the
tools (a flag renamed, a port taken, an example gone) fails here."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.guides import GUIDES, ROOT, GuideError, blocks

GUIDE_TIMEOUT_S = 600


def test_markers_are_read_with_their_options(tmp_path: Path) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text("# A guide\n\n<!-- guide: start http://127.0.0.1:1/health -->\n```sh\nserve\n```\n\n"
                     "```sh\nnot marked\n```\n\n<!-- guide: run expect='\"a\": 1' expect=b -->\n```sh\none\ntwo\n```\n")
    found = list(blocks(guide))
    assert [(b.where, b.action, b.text, b.ready, b.expect) for b in found] == [
        ("guide.md:5", "start", "serve\n", ("http://127.0.0.1:1/health",), ()),
        ("guide.md:14", "run", "one\ntwo\n", (), ('"a": 1', "b")),
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("<!-- guide: run -->\nnot a fence\n", "guide.md:1: a guide marker must come right before a ```sh block"),
    ("<!-- guide: run -->\n```python\nx = 1\n```\n", "guide.md:1: a guide marker must come right before"),
    ("<!-- guide: run -->\n```sh\nnever closed\n", "guide.md:2: the block is never closed"),
    ("<!-- guide: jump -->\n```sh\nx\n```\n", "guide.md:1: unknown guide action 'jump'"),
    ("<!-- guide: start -->\n```sh\nx\n```\n", "guide.md:1: `start` takes the URLs"),
    ("<!-- guide: run quickly -->\n```sh\nx\n```\n", "guide.md:1: `run` takes only expect=TEXT options"),
])
def test_a_misplaced_or_unknown_marker_is_located(tmp_path: Path, text: str, message: str) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text(text)
    with pytest.raises(GuideError, match="^" + message.replace("(", r"\(").replace("*", r"\*")):
        list(blocks(guide))


@pytest.mark.parametrize("guide", GUIDES)
def test_each_guide_starts_its_servers_and_runs_commands_against_them(guide: str) -> None:
    """The markers cannot silently disappear: each guide has servers to start and calls to run."""
    actions = [b.action for b in blocks(ROOT / guide, guide)]
    assert actions[0] == "start" or actions[:2] == ["run", "start"], actions
    assert "run" in actions, actions


def _namespace_works() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    return subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False).returncode == 0


def _taken(guide: str) -> list[int]:
    ports = {urlsplit(url).port for b in blocks(ROOT / guide, guide) for url in b.ready}
    taken = []
    for port in sorted(p for p in ports if p is not None):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                taken.append(port)
    return taken


@pytest.mark.integration
@pytest.mark.parametrize("guide", GUIDES)
def test_the_guide_runs_as_written(guide: str, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "tests.guides", guide, "--logs", str(tmp_path),
               "--env", f"ACCORD_JOBS_DB={tmp_path / 'jobs.sqlite3'}"]
    if _namespace_works():
        command = ["unshare", "-rn", *command, "--own-loopback"]
    elif taken := _taken(guide):  # no namespace here: the machine's own loopback, if the ports are free
        pytest.fail(f"{guide} uses ports {taken}, taken on this machine, and no network namespace can be made "
                    "(unshare -rn): stop what listens there", pytrace=False)
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=GUIDE_TIMEOUT_S, check=False)
    assert done.returncode == 0, f"{guide} does not run as written:\n{done.stdout}\n{done.stderr}"
