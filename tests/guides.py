"""The guides' commands, extracted and run exactly as written (tests/test_guides.py).

A shell block of README.md or docs/*.md is run when the line before its fence is an HTML comment
a rendered page does not show:

    <!-- guide: run -->                           run it with bash -e; it must exit 0
    <!-- guide: run expect='"status":"failed"' --> ...and print each `expect` text
    <!-- guide: start http://127.0.0.1:4010/health/live -->
                                                  a server: started in the background (its own
                                                  process group), ready once each URL answers 200,
                                                  stopped with Ctrl-C's SIGINT when the guide ends

The blocks of one guide run in order, as a reader would type them into one terminal with the
project's virtual environment active (the guides say `source .venv/bin/activate`), in the
repository, with no `ACCORD_*` variable set but those the caller passes (a fresh job store).

`python -m tests.guides GUIDE` runs one guide and exits 0 when every block did what it should.
The test runs it in a network namespace of its own (`unshare -rn`), so the guides' own ports (4010,
8080) are free whatever else runs on the machine; `--own-loopback` brings that namespace's
loopback interface up first.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import shlex
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The guides whose marked blocks are run.
GUIDES = ("README.md", "docs/web-team.md", "docs/data-team.md")
#: A server's first start trains the service's five models (make run, accord serve).
START_TIMEOUT_S = 240.0
RUN_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 20.0

_MARKER = re.compile(r"^<!--\s*guide:\s*(?P<body>.*?)\s*-->\s*$")
_FENCE = re.compile(r"^```(?P<lang>\S*)\s*$")


@dataclass(frozen=True, slots=True)
class Block:
    """One marked block: where it is (`file:line` of its first command), what to do, its text."""

    guide: str
    line: int
    action: str
    text: str
    ready: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.guide}:{self.line}"


class GuideError(ValueError):
    """A marker that cannot be used: not before a shell block, or an unknown action."""


def blocks(path: Path, name: str | None = None) -> Iterator[Block]:
    """The marked blocks of one guide, in order."""
    name = name or path.name
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        marker = _MARKER.match(line)
        if marker is None:
            continue
        fence = _FENCE.match(lines[index + 1]) if index + 1 < len(lines) else None
        if fence is None or fence["lang"] not in ("sh", "bash", "shell"):
            raise GuideError(f"{name}:{index + 1}: a guide marker must come right before a ```sh block")
        end = next((i for i in range(index + 2, len(lines)) if lines[i].startswith("```")), None)
        if end is None:
            raise GuideError(f"{name}:{index + 2}: the block is never closed")
        action, *options = shlex.split(marker["body"])
        text = "\n".join(lines[index + 2:end]) + "\n"
        if action == "run":
            expect = tuple(o.removeprefix("expect=") for o in options if o.startswith("expect="))
            if len(expect) != len(options):
                raise GuideError(f"{name}:{index + 1}: `run` takes only expect=TEXT options")
            yield Block(name, index + 3, "run", text, expect=expect)
        elif action == "start":
            if not options or not all(o.startswith("http://") for o in options):
                raise GuideError(f"{name}:{index + 1}: `start` takes the URLs that answer once it is up")
            yield Block(name, index + 3, "start", text, ready=tuple(options))
        else:
            raise GuideError(f"{name}:{index + 1}: unknown guide action {action!r} (run, start)")


def loopback_up() -> None:
    """Bring `lo` up (SIOCSIFFLAGS), as `ip link set lo up` does: a new network namespace starts with it down."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sH22x", b"lo", flags | iff_up))


def reader_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A reader's terminal: the venv's bin first on PATH, no ACCORD_* or make variables inherited."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ACCORD_") and k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV")}
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(ROOT / ".venv")
    return {**env, **(extra or {})}


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def run_guide(guide: str, out: list[str], logs: Path, extra: dict[str, str] | None = None) -> bool:
    """Run every marked block of `guide` (a path under the repository); False at the first failure.
    `out` collects what happened, block by block; servers write their output under `logs`."""
    started: list[tuple[Block, subprocess.Popen[bytes], Path]] = []
    env = reader_environment(extra)
    try:
        for number, block in enumerate(blocks(ROOT / guide, guide)):
            out.append(f"--- {block.where} ({block.action})\n{block.text}")
            if block.action == "start":
                log = logs / f"{Path(guide).stem}-{number}.log"
                with log.open("wb") as sink:
                    process = subprocess.Popen(["bash", "-c", block.text], cwd=ROOT, env=env, stdout=sink,
                                               stderr=subprocess.STDOUT, start_new_session=True)
                started.append((block, process, log))
                deadline = time.monotonic() + START_TIMEOUT_S
                while not all(_answers(url) for url in block.ready):
                    if process.poll() is not None or time.monotonic() > deadline:
                        state = "exited" if process.poll() is not None else "not ready in time"
                        out.append(f"FAILED: {state}\n{log.read_text(errors='replace')}")
                        return False
                    time.sleep(0.3)
                out.append("ready")
                continue
            try:
                done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block.text], cwd=ROOT, env=env,
                                      capture_output=True, timeout=RUN_TIMEOUT_S, check=False)
            except subprocess.TimeoutExpired:
                out.append(f"FAILED: still running after {RUN_TIMEOUT_S:.0f} s")
                return False
            stdout = done.stdout.decode(errors="replace")
            out.append(stdout + done.stderr.decode(errors="replace"))
            missing = [text for text in block.expect if text not in stdout]
            if done.returncode != 0 or missing:
                out.append(f"FAILED: exit {done.returncode}" + (f", missing {missing}" if missing else ""))
                return False
        return True
    finally:
        for block, process, log in reversed(started):
            _stop(process)
            out.append(f"--- {block.where} stopped; its output:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C to the server's process group, as in its terminal; SIGKILL if it does not stop."""
    for sig in (signal.SIGINT, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
            return
        except subprocess.TimeoutExpired:
            continue


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.guides", description=__doc__.splitlines()[0])
    parser.add_argument("guides", nargs="+", help="guides to run, relative to the repository")
    parser.add_argument("--own-loopback", action="store_true", help="bring `lo` up first (a new network namespace)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="a variable of the servers' fresh state (e.g. ACCORD_JOBS_DB), set for every block")
    parser.add_argument("--logs", type=Path, default=Path("."), help="folder for the servers' output")
    args = parser.parse_args(argv)
    if args.own_loopback:
        loopback_up()
    extra = dict(item.split("=", 1) for item in args.env)
    out: list[str] = []
    ok = all(run_guide(guide, out, args.logs, extra) for guide in args.guides)
    sys.stdout.write("\n".join(out) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
