"""Schema-driven data for the mock: values valid against their schema, deterministic per seed.

    Generator(document, version).generate(schema, seed=42, direction="response")

Modules by role: `generator` (checking, retries, trust), `planner` (schema → node tree: $ref,
allOf, oneOf/anyOf, not, enum, types), `shapes` (object and array plans), `nodes` and
`containers` (the tree), `strings` (text and formats), `numbers`, `patterns` (regex → strings),
`options` (json-schema-faker's options a document sets: preferences inside the schema).
"""

from __future__ import annotations

from accord.mock.generation.errors import GenerationError
from accord.mock.generation.generator import Generator

__all__ = ["GenerationError", "Generator"]
