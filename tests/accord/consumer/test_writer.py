"""accord/consumer/writer.py: every new interaction is on disk at once, duplicates are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.consumer.contract import Interaction, Request, Response, interaction_key, read_contract
from accord.consumer.writer import ContractWriter
from accord.errors import DocumentError


def _interaction(path: str, status: int = 200) -> Interaction:
    request = Request("GET", path)
    return Interaction(interaction_key(request, status), f"GET {path}", request, Response(status))


def test_each_new_interaction_is_flushed_and_duplicates_are_dropped(tmp_path: Path) -> None:
    file = tmp_path / "pacts" / "web.json"
    writer = ContractWriter(file, consumer="web", provider="api")
    assert writer.add(_interaction("/a"))
    assert [i.request.path for i in read_contract(file).interactions] == ["/a"]  # readable at once
    assert not writer.add(_interaction("/a"))
    assert writer.add(_interaction("/a", 404))  # another status is another interaction
    assert writer.add(_interaction("/b"))
    assert [(i.request.path, i.response.status) for i in read_contract(file).interactions] == [
        ("/a", 200), ("/a", 404), ("/b", 200)]
    assert [p.name for p in file.parent.iterdir()] == ["web.json"]  # no temporary file left behind


def test_a_second_session_continues_the_file(tmp_path: Path) -> None:
    file = tmp_path / "web.json"
    ContractWriter(file, consumer="web", provider="api").add(_interaction("/a"))
    again = ContractWriter(file, consumer="other", provider="other")
    assert not again.add(_interaction("/a"))
    assert again.add(_interaction("/b"))
    contract = read_contract(file)
    assert contract.consumer == "web" and [i.request.path for i in contract.interactions] == ["/a", "/b"]


def test_an_unreadable_file_is_refused_before_recording(tmp_path: Path) -> None:
    file = tmp_path / "web.json"
    file.write_text('{"interactions": 3}')
    with pytest.raises(DocumentError):
        ContractWriter(file, consumer="web", provider="api")
    assert file.read_text() == '{"interactions": 3}'
