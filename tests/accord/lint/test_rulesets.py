"""accord/lint/rulesets.py: Spectral-format ruleset files, built-in rulesets, overrides, rules not run."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from accord.errors import UsageError
from accord.lint import lint_spec, load_config
from accord.lint.rulesets import build, discover

DOCUMENT = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /Items:
    get:
      operationId: list_items
      parameters:
        - {name: pageSize, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/item_list'}
components:
  schemas:
    item_list:
      type: object
      properties:
        next: {type: string}
    Unused: {type: string}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def lint(tmp_path: Path, ruleset: str, document: str = DOCUMENT) -> dict[str, set[str]]:
    spec = write(tmp_path, "api/openapi.yaml", document)
    config = load_config(tmp_path, ruleset_file=write(tmp_path, "rules.yaml", ruleset))
    found: dict[str, set[str]] = {}
    for finding in lint_spec(spec, config).findings:
        found.setdefault(finding.rule, set()).add(finding.pointer)
    return found


def test_given_then_rules_report_where_the_node_is_written(tmp_path: Path) -> None:
    found = lint(tmp_path, """\
        rules:
          paths-kebab:
            given: $.paths[*]~
            then: {function: pattern, functionOptions: {match: "^(/[a-z0-9{}-]+)+$"}}
          query-snake:
            given: "$..parameters[?(@.in === 'query')].name"
            then: {function: casing, functionOptions: {type: snake}}
          schema-pascal:
            given: $.components.schemas
            then: {field: "@key", function: casing, functionOptions: {type: pascal}}
          response-property-camel:
            given: "$.paths.*.*.responses.*.content.*.schema.properties.*~"
            then: {function: pattern, functionOptions: {notMatch: "^next$"}}
          op-summary:
            given: $.paths.*.get
            then: {field: summary, function: truthy}
          unused:
            given: $.components.schemas
            then:
              function: unreferencedReusableObject
              functionOptions: {reusableObjectsLocation: "#/components/schemas"}
        """)
    assert found == {
        "paths-kebab": {"/paths/~1Items"},
        "query-snake": {"/paths/~1Items/get/parameters/0/name"},
        "schema-pascal": {"/components/schemas/item_list"},
        # reached through the $ref, reported at the definition
        "response-property-camel": {"/components/schemas/item_list/properties/next"},
        # an absent field is reported at the closest node that exists
        "op-summary": {"/paths/~1Items/get"},
        "unused": {"/components/schemas/Unused"},
    }


def test_extends_severities_and_inherited_rules_turned_off(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", """\
        extends: [[spectral:oas, off]]
        rules:
          info-description: warn
          base-rule:
            given: $.info
            severity: error
            then: {field: contact, function: truthy}
        """)
    spec = write(tmp_path, "api/openapi.yaml", DOCUMENT)
    config = load_config(tmp_path, ruleset_file=write(tmp_path, "rules.yaml", """\
        extends: ./base.yaml
        rules:
          base-rule: 3
          operation-tags: true
          info-description: off
        """))
    severities = {f.rule: f.severity for f in lint_spec(spec, config).findings}
    assert severities == {"base-rule": "hint", "operation-tags": "warning"}


def test_recommended_false_rules_need_all(tmp_path: Path) -> None:
    rule = """\
        rules:
          quiet:
            recommended: false
            given: $.info
            then: {field: contact, function: truthy}
        """
    write(tmp_path, "quiet.yaml", rule)
    assert "quiet" not in lint(tmp_path, "extends: [./quiet.yaml]\n")
    assert "quiet" in lint(tmp_path, "extends: [[./quiet.yaml, all]]\n")


def test_formats_limit_a_rule_to_its_versions(tmp_path: Path) -> None:
    ruleset = """\
        rules:
          only-oas2:
            formats: [oas2]
            given: $.info
            then: {field: contact, function: truthy}
          only-oas3:
            formats: [oas3]
            given: $.info
            then: {field: contact, function: truthy}
        """
    assert set(lint(tmp_path, ruleset)) == {"only-oas3"}


def test_resolved_false_sees_the_refs(tmp_path: Path) -> None:
    found = lint(tmp_path, """\
        rules:
          no-refs:
            resolved: false
            given: "$..[?(@.$ref)]"
            then: {function: undefined}
        """)
    assert found == {"no-refs": {"/paths/~1Items/get/responses/200/content/application~1json/schema"}}


def test_overrides_change_severity_by_file_and_pointer(tmp_path: Path) -> None:
    ruleset = """\
        rules:
          op-summary:
            given: $.paths.*.*
            then: {field: summary, function: truthy}
          title-upper:
            given: $.info.title
            then: {function: casing, functionOptions: {type: macro}}
        overrides:
          - files: ["api/*.yaml"]
            rules: {title-upper: error}
          - files: ["api/openapi.yaml#/paths/~1Items"]
            rules: {op-summary: off}
        """
    spec = write(tmp_path, "api/openapi.yaml", DOCUMENT)
    config = load_config(tmp_path, ruleset_file=write(tmp_path, "rules.yaml", ruleset))
    severities = {f.rule: f.severity for f in lint_spec(spec, config).findings}
    assert severities == {"title-upper": "error"}


def test_custom_functions_and_unsupported_paths_are_reported_not_run(tmp_path: Path) -> None:
    spec = write(tmp_path, "api/openapi.yaml", DOCUMENT)
    config = load_config(tmp_path, ruleset_file=write(tmp_path, "rules.yaml", """\
        functions: [checkThing]
        rules:
          js-rule:
            given: $
            then: {function: checkThing}
          parent-rule:
            given: "$..[?(@parentProperty === 'x')]"
            then: {function: truthy}
          lookbehind-free:
            given: $.info.title
            then: {function: pattern, functionOptions: {match: '(?<name>x)\\k<name>'}}
          js-rule-off:
            given: $
            then: {function: checkThing}
            severity: off
        """))
    report = lint_spec(spec, config)
    assert [(item.rule, "checkThing" in item.reason or "@parentProperty" in item.reason or "regular" in item.reason)
            for item in report.not_run] == [("js-rule", True), ("parent-rule", True), ("lookbehind-free", True)]


def test_aliases_expand_per_format(tmp_path: Path) -> None:
    found = lint(tmp_path, """\
        aliases:
          Schemas:
            targets:
              - formats: [oas2]
                given: $.definitions
              - formats: [oas3]
                given: $.components.schemas
        rules:
          schema-pascal:
            given: "#Schemas"
            then: {field: "@key", function: casing, functionOptions: {type: pascal}}
        """)
    assert found == {"schema-pascal": {"/components/schemas/item_list"}}


@pytest.mark.parametrize(("ruleset", "named"), [
    ("rules:\n  info-contactt: off\n", "info-contactt"),
    ("rules:\n  r:\n    given: $\n    then: {field: x}\n", "then"),
    ("rules:\n  info-contact: loud\n", "info-contact"),
    ("extends: [./missing.yaml]\n", "missing.yaml"),
    ("extends: [some-npm-ruleset]\n", "some-npm-ruleset"),
    ("- not a mapping\n", "mapping"),
    ("rules: [unclosed\n", "rules.yaml:"),
    ("rules:\n  r:\n    given: $\n    then: {function: casing, functionOptions: {type: sentence}}\n",
     r"rules.r.then.functionOptions: casing type 'sentence'"),
    ("rules:\n  r:\n    given: $\n    then: {function: pattern}\n", "rules.r.then.functionOptions"),
    ("rules:\n  r:\n    given: $\n    then: {function: truthy}\noverrides:\n  - files: [x.yaml]\n"
     "    rules: {r: loud}\n", "overrides"),
])
def test_bad_rulesets_are_usage_errors_naming_the_place(tmp_path: Path, ruleset: str, named: str) -> None:
    with pytest.raises(UsageError, match=named) as caught:
        load_config(tmp_path, ruleset_file=write(tmp_path, "rules.yaml", ruleset))
    assert caught.value.exit_code == 2
    assert "rules.yaml" in str(caught.value) or "missing.yaml" in str(caught.value)


def test_discovery_finds_spectral_files_like_spectral(tmp_path: Path) -> None:
    assert discover(tmp_path) is None
    write(tmp_path, ".spectral.yml", "extends: spectral:oas\n")
    assert discover(tmp_path) == tmp_path / ".spectral.yml"
    (tmp_path / ".spectral.yml").unlink()
    write(tmp_path, ".spectral.js", "module.exports = {}\n")
    with pytest.raises(UsageError, match="JavaScript"):
        discover(tmp_path)


def test_builtin_rulesets_are_separate() -> None:
    oas = build([("spectral:oas", "recommended")])
    house = build([("spectral:oas", "recommended"), ("accord:contract", "recommended")])
    assert not any(rule_id.startswith("accord-") for rule_id in oas.entries)
    assert {e.rule.ruleset for e in house.entries.values()} == {"spectral:oas", "accord:contract"}


def test_spectral_rules_accord_leaves_to_validate_are_not_run_when_named(tmp_path: Path) -> None:
    spec = write(tmp_path, "api/openapi.yaml", DOCUMENT)
    quiet = load_config(tmp_path, ruleset_file=write(tmp_path, "a.yaml", "extends: [spectral:oas]\n"))
    assert lint_spec(spec, quiet).not_run == []
    named = load_config(tmp_path, ruleset_file=write(tmp_path, "b.yaml", "extends: [spectral:oas]\nrules:\n"
                                                                          "  oas3-schema: true\n"))
    assert [(item.rule, "accord validate" in item.reason) for item in lint_spec(spec, named).not_run] == [
        ("oas3-schema", True)]
