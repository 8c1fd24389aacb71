"""Consumer contracts: what a client actually used of an API, recorded and checked.

    contract = read_contract("web.pact.json")       # Pact V4 JSON, accord's notes in comments
    check_response(interaction.response, actual)     # what the consumer relies on, by type

Modules by role: `contract` (the values and the file format), `writer` (recording safely,
flushed per interaction), `matching` (Pact-style lenient response checks, runtime
expressions for carried values), `usage` (what a consumer uses, for `accord diff --consumer`).
"""

from __future__ import annotations

from accord.consumer.contract import ConsumerContract, Interaction, read_contract
from accord.consumer.matching import Actual, Mismatch, check_response

__all__ = ["Actual", "ConsumerContract", "Interaction", "Mismatch", "check_response", "read_contract"]
