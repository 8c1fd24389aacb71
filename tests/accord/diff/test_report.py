"""accord/diff/report.py: selection by level, changelog grouping, text / JSON / markdown."""

from __future__ import annotations

import orjson

from accord.diff.report import RENDERERS, Change, DiffReport, sort_changes
from accord.locations import Location


def _report() -> DiffReport:
    changes = [
        Change("new-optional-request-parameter", "info", "GET /pets", "listPets", "/paths/~1pets/get",
               "/paths/~1pets/get/parameters/2", "new optional query parameter `owner`"),
        Change("request-parameter-removed", "warning", "GET /pets", "listPets", "/paths/~1pets/get/parameters/1",
               "/paths/~1pets/get", "query parameter `status` was removed", None, Location("new.yaml", 9)),
        Change("new-required-request-property", "breaking", "POST /pets", "createPet", "/components/schemas/NewPet",
               "/components/schemas/NewPet/properties/owner", "new required request body property `owner`",
               Location("old.yaml", 60), Location("new.yaml", 66)),
    ]
    return DiffReport("old.yaml", "new.yaml", sort_changes(changes))


def test_changes_sort_most_severe_first_and_levels_count() -> None:
    report = _report()
    assert [c.level for c in report.changes] == ["breaking", "warning", "info"]
    assert report.summary() == "1 breaking, 1 warning, 1 info"
    assert report.fails("breaking") and report.fails("warning")
    assert not DiffReport("a", "b", report.changes[1:]).fails("breaking")
    assert DiffReport("a", "b", report.changes[1:]).fails("warning")
    assert not DiffReport("a", "b", report.changes[2:]).fails("warning")


def test_text_lists_breaking_and_warning_with_location_and_pointer() -> None:
    assert RENDERERS["text"](_report(), False) == (
        "new.yaml:66: breaking: POST /pets: new required request body property `owner` "
        "[new-required-request-property] at #/components/schemas/NewPet/properties/owner\n"
        "new.yaml:9: warning: GET /pets: query parameter `status` was removed "
        "[request-parameter-removed] at #/paths/~1pets/get\n"
        "1 info change not listed (--changelog lists every change)\n"
        "old.yaml -> new.yaml: 1 breaking, 1 warning, 1 info\n"
    )


def test_text_says_nothing_is_unlisted_when_everything_is_listed() -> None:
    text = RENDERERS["text"](DiffReport("old.yaml", "new.yaml", _report().changes[:2]), False)
    assert "not listed" not in text
    assert text.splitlines()[-1] == "old.yaml -> new.yaml: 1 breaking, 1 warning, 0 info"


def test_text_changelog_groups_every_change_by_operation() -> None:
    text = RENDERERS["text"](_report(), True)
    assert text.splitlines()[:4] == [
        "GET /pets",
        "  warning: query parameter `status` was removed [request-parameter-removed]",
        "  info: new optional query parameter `owner` [new-optional-request-parameter]",
        "POST /pets",
    ]


def test_json_carries_rule_level_operation_and_both_pointers() -> None:
    payload = orjson.loads(RENDERERS["json"](_report(), False))
    assert payload["summary"] == {"breaking": 1, "warning": 1, "info": 1}
    first = payload["changes"][0]
    assert {k: first[k] for k in ("rule", "level", "operation", "operation_id", "old_pointer", "new_pointer")} == {
        "rule": "new-required-request-property", "level": "breaking", "operation": "POST /pets",
        "operation_id": "createPet", "old_pointer": "/components/schemas/NewPet",
        "new_pointer": "/components/schemas/NewPet/properties/owner",
    }
    assert len(orjson.loads(RENDERERS["json"](_report(), True))["changes"]) == 3


def test_markdown_is_a_pull_request_comment_with_a_verdict_and_a_table_per_operation() -> None:
    markdown = RENDERERS["markdown"](_report(), False)
    lines = markdown.splitlines()
    assert lines[0] == "### API contract changes"
    assert lines[2].startswith("**1 breaking change**")
    assert "#### `POST /pets` (createPet)" in lines
    assert "| 🔴 breaking | new required request body property `owner` | `new-required-request-property` | " \
           "`#/components/schemas/NewPet/properties/owner` |" in lines
    assert "new optional query parameter" not in markdown  # info only in changelog mode
    assert "new optional query parameter" in RENDERERS["markdown"](_report(), True)


def test_markdown_escapes_pipes_in_cells() -> None:
    change = Change("request-property-pattern-added", "breaking", "POST /a", None, "/x", "/x", "must match `a|b`")
    markdown = RENDERERS["markdown"](DiffReport("o", "n", (change,)), False)
    assert "must match `a\\|b`" in markdown


def test_no_changes_says_so() -> None:
    markdown = RENDERERS["markdown"](DiffReport("o", "n", ()), False)
    assert "**No breaking changes**" in markdown and "No breaking or possibly breaking changes." in markdown
