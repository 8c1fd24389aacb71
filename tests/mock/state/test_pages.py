"""mock/state/pages.py: opaque offset tokens."""

from __future__ import annotations

import pytest

from accord.mock.state.pages import BadToken, decode, encode


@pytest.mark.parametrize("offset", [0, 1, 20, 10_000])
def test_tokens_round_trip(offset: int) -> None:
    assert decode(encode(offset), "page_token") == offset


@pytest.mark.parametrize("token", ["", "zzz", "eyJvIjoyMH0", "%%%", encode(3) + "!", "bzA="])
def test_tokens_not_issued_here_are_refused(token: str) -> None:
    with pytest.raises(BadToken) as caught:
        decode(token, "cursor")
    assert caught.value.parameter == "cursor"
