"""The mock's settings: everything `accord mock` is told, as one frozen value.

The CLI builds it once (flags > `ACCORD_MOCK_*` > `[tool.accord.mock]` > defaults, the variables
declared in accord/settings.py) and it travels unchanged: `server.run` → `server.build` →
`create_app` → `MockApp`. Tests set a few fields by keyword: `create_app(spec, stateful=True)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from accord import config
from accord.mock.bodies import MAX_BODY_BYTES
from accord.mock.journal import DEFAULT_SIZE


@dataclass(slots=True, frozen=True)
class MockSettings:
    """How the mock loads, serves and answers a document."""

    host: str = config.DEFAULT_HOST
    port: int = config.DEFAULT_MOCK_PORT
    #: Reload when a file of the document changes (`accord mock`; off with --no-watch).
    watch: bool = True
    #: Follow `$ref`s to URLs / to files outside the document's folder.
    allow_remote: bool = False
    allow_outside: bool = False
    #: Generate response data per request instead of serving examples.
    dynamic: bool = False
    #: Seed of generated data: the same sequence of bodies from start-up.
    seed: int | str | None = None
    #: json-schema-faker's fillProperties for generated objects (Prism's
    #: `--json-schema-faker-fillProperties`); None: the document's `x-json-schema-faker`, else false.
    fill_properties: bool | None = None
    cors: bool = True
    #: Accepted API keys; None: ACCORD_API_KEYS / ACCORD_API_KEYS_FILE, else any non-empty key.
    api_keys: tuple[str, ...] | None = None
    validate_requests: bool = True
    #: Prepare every operation before serving; None: when the document has at most 300 of them.
    eager: bool | None = None
    journal_size: int = DEFAULT_SIZE
    max_body: int = MAX_BODY_BYTES
    #: Validating proxy: forward requests to this URL (mock/proxy.py).
    proxy: str | None = None
    #: Prism's `--errors`: with a proxy, contract breaks become error answers (mock/proxy.py);
    #: the mock alone always answers so (it rejects invalid requests, never sends an invalid response).
    errors: bool = False
    #: Write the interactions to this consumer contract (mock/recording.py).
    record: Path | None = None
    #: Behaviour: keep created resources; a rules file; its scenario active at start.
    stateful: bool = False
    rules: Path | None = None
    scenario: str | None = None

    @classmethod
    def of(cls, base: MockSettings | None = None, **options: Any) -> MockSettings:
        """`base` (default: the defaults) with these fields changed; a TypeError names unknown ones."""
        unknown = sorted(set(options) - {f.name for f in fields(cls)})
        if unknown:
            raise TypeError(f"unknown mock settings: {', '.join(unknown)}")
        for name, built in (("proxy", "upstream"), ("record", "recorder")):
            value = options.get(name)
            if value is not None and not isinstance(value, str | Path):
                raise TypeError(f"{name} is a URL or path; pass a built {type(value).__name__} as {built}=")
        keys: Iterable[str] | None = options.get("api_keys")
        if keys is not None:
            options["api_keys"] = tuple(keys)
        for name in ("record", "rules"):
            if options.get(name) is not None:
                options[name] = Path(options[name])
        return replace(base or cls(), **options)

    @property
    def shapes_answers(self) -> bool:
        """Stateful, rules or a scenario: the mock's own answers, which a proxy does not give."""
        return self.stateful or self.rules is not None or self.scenario is not None
