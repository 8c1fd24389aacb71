"""mock/routing.py: literal segments first, templates bound per leaf, odd encodings."""

from __future__ import annotations

import pytest

from accord.mock.routing import PathEncodingError, Router, split_path, template_names


def build(*templates: str) -> Router[str]:
    router: Router[str] = Router()
    for template in templates:
        router.add(template, template)
    return router


def matches(router: Router[str], path: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(m.target, m.values) for m in router.match(split_path(path))]


def test_literal_beats_template_regardless_of_declaration_order():
    router = build("/pets/{id}", "/pets/mine")
    assert matches(router, "/pets/mine")[0] == ("/pets/mine", ())
    assert matches(router, "/pets/7") == [("/pets/{id}", ("7",))]


def test_all_matches_best_first():
    router = build("/{a}/b", "/a/{b}")
    assert [t for t, _ in matches(router, "/a/b")] == ["/a/{b}", "/{a}/b"]


def test_partial_segment_templates():
    router = build("/files/{name}.{ext}")
    assert matches(router, "/files/report.pdf") == [("/files/{name}.{ext}", ("report", "pdf"))]
    assert matches(router, "/files/report") == []


def test_segment_count_and_empty_segments_must_match():
    router = build("/pets/{id}")
    assert matches(router, "/pets/") == []
    assert matches(router, "/pets/1/2") == []


def test_encoded_slash_stays_in_its_segment():
    assert split_path("/a/b%2Fc") == ["a", "b/c"]


def test_invalid_utf8_is_an_error():
    with pytest.raises(PathEncodingError):
        split_path("/a/%ff")


def test_template_names_in_order():
    assert template_names("/a/{x}/b/{y}.{z}") == ["x", "y", "z"]


def test_same_shape_with_other_names_keeps_both():
    router = build("/users/{user}/items/{digest}", "/users/{name}/items/{item_id}")
    assert [t for t, _ in matches(router, "/users/u/items/1")] == [
        "/users/{user}/items/{digest}",
        "/users/{name}/items/{item_id}",
    ]
