"""The one error schema-driven generation raises."""

from __future__ import annotations

from accord.errors import AccordError


class GenerationError(AccordError):
    """No valid value can be produced for a schema (contradictory, or beyond the generator).

    `pointer` locates the schema: a document pointer such as `#/components/schemas/Pet`,
    possibly followed by the path below it where generation failed.
    """

    exit_code = 1

    def __init__(self, message: str, pointer: str = "") -> None:
        self.message = message
        self.pointer = pointer
        super().__init__(f"{pointer}: {message}" if pointer else message)
