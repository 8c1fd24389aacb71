"""The rule table of `accord diff`: rule id -> level and a one-line explanation template.

Rule ids are oasdiff's (v1.28.0, see reference/contract_anchors.md §3.1) wherever oasdiff has
one. Levels follow one principle, direction-aware: a *request* change breaks clients when it
narrows what the server accepts; a *response* change breaks clients when it widens what may
come back or removes what they rely on. Where this table departs from oasdiff's default level
it says so next to the rule (security additions and response enum additions are raised, as
the contract_anchors notes and issue 6 ask).

Templates are `str.format` strings; `{what}` names the thing changed ("request body property
`owner.email`", "query parameter `limit`"), `{old}` / `{new}` the values involved.
"""

from __future__ import annotations

from dataclasses import dataclass

BREAKING = "breaking"
WARNING = "warning"
INFO = "info"

#: Order used by --fail-on and for sorting (most severe first).
LEVELS = (BREAKING, WARNING, INFO)
RANK = {BREAKING: 0, WARNING: 1, INFO: 2}


@dataclass(slots=True, frozen=True)
class Rule:
    """One kind of change: its stable id, how bad it is, and how to say it."""

    id: str
    level: str
    template: str


_OPERATION_RULES: dict[str, tuple[str, str]] = {
    # endpoints
    "api-path-removed-without-deprecation": (BREAKING, "path {what} was removed without being deprecated first"),
    "api-path-removed-with-deprecation": (WARNING, "deprecated path {what} was removed"),
    "api-removed-without-deprecation": (BREAKING, "operation {what} was removed without being deprecated first"),
    "api-removed-with-deprecation": (WARNING, "deprecated operation {what} was removed"),
    "api-removed-before-sunset": (BREAKING, "operation {what} was removed before its sunset date {old}"),
    "endpoint-added": (INFO, "operation {what} was added"),
    # the version check (opt-in, accord.diff.policy): breaking because a team asked for it
    "api-version-not-bumped": (BREAKING, "a breaking change was found but info.version is still `{old}`"),
    "api-major-version-not-bumped": (BREAKING, "a breaking change was found but info.version went from `{old}` "
                                               "to `{new}` without a major bump"),
    "endpoint-deprecated": (INFO, "operation {what} is now deprecated"),
    # lifecycle (accord.diff.lifecycle): sunset dates, stability levels, the deprecation policy
    "endpoint-deprecated-with-sunset": (INFO, "operation {what} is now deprecated, with sunset {new}"),
    "api-path-removed-before-sunset": (BREAKING, "path {what} was removed before its sunset date {old}"),
    "api-sunset-parse": (BREAKING, "operation {what} was removed; its sunset `{old}` is not an RFC 3339 date"),
    "api-path-sunset-parse": (BREAKING, "path {what} was removed; its sunset `{old}` is not an RFC 3339 date"),
    "api-deprecated-sunset-parse": (BREAKING, "operation {what} is deprecated with sunset `{new}`, which is not "
                                              "an RFC 3339 date"),
    "api-deprecated-sunset-missing": (BREAKING, "operation {what} was deprecated without a sunset date; the "
                                                "deprecation policy asks for one at least {new} days away"),
    "api-sunset-date-too-small": (BREAKING, "operation {what} was deprecated with sunset {old}, sooner than the "
                                            "policy's {new} days"),
    "api-sunset-date-changed-too-small": (BREAKING, "the sunset of operation {what} moved earlier, from {old} to "
                                                    "{new}"),
    "sunset-deleted": (BREAKING, "operation {what} is still deprecated but lost its sunset date {old}"),
    "api-stability-decreased": (BREAKING, "operation {what} stability level decreased from `{old}` to `{new}`"),
    "api-stability-increased": (INFO, "operation {what} stability level increased from `{old}` to `{new}`"),
    "api-invalid-stability-level": (BREAKING, "operation {what} has x-stability-level `{new}`; expected draft, "
                                              "alpha, beta or stable"),
    "api-removed-unstable": (INFO, "operation {what} at stability level `{old}` was removed (draft and alpha "
                                   "operations may change)"),
    "endpoint-reactivated": (INFO, "operation {what} is no longer deprecated"),
    # oasdiff: INFO and optional; generated SDKs and operationId routing (Connexion) break.
    "api-operation-id-removed": (
        WARNING, "operationId changed from `{old}` to `{new}` (generated clients rename the call)"
    ),
    "api-operation-id-added": (INFO, "operationId `{new}` was added"),
    # security: oasdiff INFO, raised here (an old client without the new credential is refused)
    "api-security-added": (
        BREAKING, "operation now requires security `{new}`; clients sending only `{old}` are refused"
    ),
    "api-security-scope-added": (BREAKING, "operation now requires scopes `{new}` of `{what}`"),
    "api-security-removed": (INFO, "security scheme `{old}` is no longer accepted or needed"),
    # parameters
    "new-required-request-parameter": (BREAKING, "new required {what}; existing clients do not send it"),
    "new-request-path-parameter": (BREAKING, "new path parameter {what}; the URL template changed"),
    "new-optional-request-parameter": (INFO, "new optional {what}"),
    "new-required-request-default-parameter-to-existing-path": (
        BREAKING, "new required {what} for every operation of the path; existing clients do not send it"),
    "new-optional-request-default-parameter-to-existing-path": (INFO, "new optional {what} for every operation of "
                                                                      "the path"),
    "request-parameter-removed": (WARNING, "{what} was removed; clients still sending it may be rejected"),
    "request-parameter-became-required": (BREAKING, "{what} became required; clients that omit it are refused"),
    "request-parameter-became-optional": (INFO, "{what} became optional"),
    "request-parameter-removed-with-deprecation": (INFO, "deprecated {what} was removed"),
    "request-parameter-removed-before-sunset": (BREAKING, "{what} was removed before its sunset date {old}"),
    "request-parameter-sunset-parse": (BREAKING, "{what} has sunset `{old}`, which is not an RFC 3339 date"),
    "request-parameter-deprecated": (INFO, "{what} is now deprecated"),
    "request-parameter-reactivated": (INFO, "{what} is no longer deprecated"),
    "request-parameter-deprecated-sunset-missing": (BREAKING, "{what} was deprecated without a sunset date; the "
                                                              "deprecation policy asks for one at least {new} days "
                                                              "away"),
    "request-parameter-sunset-date-too-small": (BREAKING, "{what} was deprecated with sunset {old}, sooner than the "
                                                          "policy's {new} days"),
    "request-parameter-sunset-deleted": (BREAKING, "{what} is still deprecated but lost its sunset date {old}"),
    "request-parameter-sunset-date-changed-too-small": (BREAKING, "the sunset of {what} moved earlier, from {old} "
                                                                  "to {new}"),
    # lifecycle of body properties (deprecated, x-sunset, x-stability-level on the property's schema)
    **{f"{side}-property-{suffix}": (level, template) for side in ("request", "response")
       for suffix, (level, template) in {
        "deprecated": (INFO, "{what} is now deprecated"),
        "deprecated-with-sunset": (INFO, "{what} is now deprecated, with sunset {old}"),
        "deprecated-sunset-missing": (BREAKING, "{what} was deprecated without a sunset date; the deprecation "
                                                "policy asks for one at least {new} days away"),
        "deprecated-sunset-invalid": (BREAKING, "{what} was deprecated with sunset `{old}`, which is not an "
                                                "RFC 3339 date"),
        "sunset-date-too-small": (BREAKING, "{what} was deprecated with sunset {old}, sooner than the policy's "
                                            "{new} days"),
        "reactivated": (INFO, "{what} is no longer deprecated"),
        "stability-decreased": (BREAKING, "{what} stability level decreased from `{old}` to `{new}`"),
        "stability-increased": (INFO, "{what} stability level increased from `{old}` to `{new}`"),
    }.items()},
    # properties of an object-valued header parameter (oasdiff's ids)
    "new-required-request-header-property": (BREAKING, "new required {what}; existing clients do not send it"),
    "new-optional-request-header-property": (INFO, "new optional {what}"),
    "request-header-property-became-required": (BREAKING, "{what} became required; clients that omit it are "
                                                          "refused"),
    "request-header-property-became-optional": (INFO, "{what} became optional"),
    # request body
    "request-body-added-required": (BREAKING, "a required request body was added"),
    "request-body-added-optional": (INFO, "an optional request body was added"),
    # breaking, as in oasdiff: whatever clients send is now ignored or refused; either way the call no
    # longer does what they sent the body for
    "request-body-removed": (BREAKING, "the request body was removed; what clients send is ignored or refused"),
    "request-body-media-type-schema-added": (BREAKING, "request content type `{new}` now has a schema; bodies "
                                                       "that do not match it are refused"),
    "request-body-media-type-schema-removed": (INFO, "request content type `{old}` no longer has a schema"),
    "response-body-media-type-schema-added": (INFO, "response content type `{new}` of {what} now has a schema"),
    "response-body-media-type-schema-removed": (WARNING, "response content type `{old}` of {what} no longer has a "
                                                         "schema; its bodies are no longer described"),
    "request-body-became-required": (BREAKING, "the request body became required"),
    "request-body-became-optional": (INFO, "the request body became optional"),
    "request-body-media-type-removed": (BREAKING, "request content type `{old}` is no longer accepted"),
    "request-body-media-type-added": (INFO, "request content type `{new}` is now accepted"),
    # request body properties
    "new-required-request-property": (BREAKING, "new required {what}; existing clients do not send it"),
    "new-optional-request-property": (INFO, "new optional {what}"),
    "request-property-became-required-with-default": (
        BREAKING, "{what} became required (it has a default, but a default does not make a missing value valid)"),
    "new-required-request-property-with-default": (
        BREAKING, "new required {what} (it has a default, but a default does not make a missing value valid)"),
    "request-property-removed": (WARNING, "{what} was removed; clients still sending it may be rejected"),
    "request-property-became-required": (BREAKING, "{what} became required; clients that omit it are refused"),
    "request-property-became-optional": (INFO, "{what} became optional"),
    # responses
    "response-success-status-removed": (BREAKING, "success response {what} was removed"),
    "response-non-success-status-removed": (INFO, "error response {what} is no longer documented"),
    "response-success-status-added": (INFO, "success response {what} was added (covered by `{old}` before)"),
    "response-non-success-status-added": (INFO, "error response {what} was added (covered by `{old}` before)"),
    # issue 6: "a new status without default" widens what may come back
    "response-status-added-without-default": (
        BREAKING,
        "new response {what}; the operation had no `default` or range response, so clients do not expect it",
    ),
    "response-error-status-added-without-default": (
        WARNING, "new error response {what}; the operation had no `default` or range response"
    ),
    "response-media-type-removed": (BREAKING, "response content type `{old}` of {what} was removed"),
    "response-media-type-added": (INFO, "response content type `{new}` of {what} was added"),
    "response-media-type-name-generalized": (
        BREAKING, "response content type of {what} widened from `{old}` to `{new}`; clients may get types they "
                  "cannot read"),
    "response-media-type-name-specialized": (INFO, "response content type of {what} narrowed from `{old}` to "
                                                   "`{new}`"),
    "required-response-header-removed": (BREAKING, "required response header {what} was removed"),
    "optional-response-header-removed": (WARNING, "optional response header {what} was removed"),
    "response-header-became-optional": (BREAKING, "response header {what} became optional"),
    "response-header-became-required": (INFO, "response header {what} became required"),
    "new-response-header": (INFO, "new response header {what}"),
    # response body properties
    "response-required-property-removed": (BREAKING, "required {what} was removed from the response"),
    "response-optional-property-removed": (WARNING, "optional {what} was removed from the response"),
    "response-property-became-optional": (BREAKING, "{what} became optional; clients reading it may find it missing"),
    "response-property-became-required": (INFO, "{what} became required"),
    "response-required-property-added": (INFO, "new required {what}"),
    "response-optional-property-added": (INFO, "new optional {what}"),
}

#: Schema-level rules, applied under each prefix below: suffix -> (request level,
#: response level, template). The prefix says where the schema sits.
_SCHEMA_RULES: dict[str, tuple[str, str, str]] = {
    "type-changed": (BREAKING, BREAKING, "{what} changed type from `{old}` to `{new}`"),
    "type-generalized": (INFO, BREAKING, "{what} widened type from `{old}` to `{new}`"),
    "type-specialized": (BREAKING, INFO, "{what} narrowed type from `{old}` to `{new}`"),
    "became-nullable": (INFO, BREAKING, "{what} may now be null"),
    "became-not-nullable": (BREAKING, INFO, "{what} may no longer be null"),
    "enum-value-removed": (BREAKING, INFO, "{what} no longer allows value {old}"),
    # oasdiff: response enum value added is WARN; issue 6 counts it as breaking.
    "enum-value-added": (INFO, BREAKING, "{what} now also allows {new}"),
    "became-enum": (BREAKING, INFO, "{what} is now restricted to {new}"),
    "enum-removed": (INFO, WARNING, "{what} is no longer restricted to a list of values"),
    "pattern-added": (BREAKING, INFO, "{what} must now match `{new}`"),
    "pattern-changed": (WARNING, WARNING, "{what} pattern changed from `{old}` to `{new}`"),
    "pattern-removed": (INFO, WARNING, "{what} no longer has pattern `{old}`"),
    "format-changed": (WARNING, WARNING, "{what} format changed from `{old}` to `{new}`"),
    "default-value-changed": (WARNING, INFO, "{what} default changed from {old} to {new}"),
    "default-value-added": (INFO, INFO, "{what} now has default {new}"),
    "default-value-removed": (INFO, INFO, "{what} no longer has default {old}"),
    "one-of-removed": (BREAKING, INFO, "{what} no longer accepts the oneOf alternative {old}"),
    "one-of-added": (INFO, BREAKING, "{what} may now be the new oneOf alternative {new}"),
    "any-of-removed": (BREAKING, INFO, "{what} no longer accepts the anyOf alternative {old}"),
    "any-of-added": (INFO, BREAKING, "{what} may now be the new anyOf alternative {new}"),
    "additional-properties-restricted": (WARNING, INFO, "{what} no longer accepts additional properties"),
    # a body that matched one shape now matches two: a oneOf fails when both match
    "wrapped-in-one-of": (BREAKING, BREAKING, "{what} was wrapped in a oneOf with {new}; a value valid before may "
                                              "now match more than one alternative"),
    "all-of-added": (BREAKING, INFO, "{what} must now also match allOf member {new}"),
    "all-of-removed": (WARNING, INFO, "{what} no longer has to match allOf member {old}"),
    "all-of-added-annotation-only": (INFO, INFO, "{what} gained allOf member {new}, which only annotates"),
    "all-of-removed-annotation-only": (INFO, INFO, "{what} lost allOf member {old}, which only annotated"),
    # oasdiff's "list of types": a oneOf/anyOf of bare types, compared as a set of types
    "list-of-types-widened": (INFO, BREAKING, "{what} may now also be of type {new}"),
    "list-of-types-narrowed": (BREAKING, INFO, "{what} may no longer be of type {old}"),
    "x-extensible-enum-value-removed": (BREAKING, INFO, "{what} no longer lists x-extensible-enum value {old}"),
    # JSON Schema 2020-12 (OpenAPI 3.1): "added" constrains, "removed" relaxes
    "const-added": (BREAKING, INFO, "{what} must now be exactly {new}"),
    "const-removed": (INFO, BREAKING, "{what} is no longer always {old}"),
    "const-changed": (BREAKING, BREAKING, "{what} constant changed from {old} to {new}"),
    "contains-added": (BREAKING, INFO, "{what} must now contain an item matching a `contains` schema"),
    "contains-removed": (INFO, BREAKING, "{what} no longer has to contain an item matching `contains`"),
    "if-added": (BREAKING, INFO, "{what} gained an `if` condition"),
    "if-removed": (INFO, BREAKING, "{what} lost its `if` condition"),
    "then-added": (BREAKING, INFO, "{what} gained a `then` schema"),
    "then-removed": (INFO, BREAKING, "{what} lost its `then` schema"),
    "else-added": (BREAKING, INFO, "{what} gained an `else` schema"),
    "else-removed": (INFO, BREAKING, "{what} lost its `else` schema"),
    "dependent-required-added": (BREAKING, INFO, "{what}: when {old} is present, {new} are now required"),
    "dependent-required-removed": (INFO, BREAKING, "{what}: {old} no longer requires other properties"),
    "dependent-required-changed": (BREAKING, BREAKING, "{what}: what {old} requires changed to {new}"),
    "dependent-schema-added": (BREAKING, INFO, "{what}: when {new} is present, a dependent schema now applies"),
    "dependent-schema-removed": (INFO, BREAKING, "{what}: the dependent schema of {old} was removed"),
    "prefix-items-added": (INFO, BREAKING, "{what} gained prefixItems entry {new}"),
    "prefix-items-removed": (BREAKING, INFO, "{what} lost prefixItems entry {old}"),
    "property-names-added": (BREAKING, INFO, "{what} now restricts its property names"),
    "property-names-removed": (INFO, BREAKING, "{what} no longer restricts its property names"),
    "pattern-property-added": (BREAKING, INFO, "{what} gained patternProperties entry `{new}`"),
    "pattern-property-removed": (INFO, BREAKING, "{what} lost patternProperties entry `{old}`"),
    "unevaluated-items-added": (BREAKING, INFO, "{what} now constrains unevaluated items"),
    "unevaluated-items-removed": (INFO, BREAKING, "{what} no longer constrains unevaluated items"),
    "unevaluated-properties-added": (BREAKING, INFO, "{what} now constrains unevaluated properties"),
    "unevaluated-properties-removed": (INFO, BREAKING, "{what} no longer constrains unevaluated properties"),
    "content-schema-added": (BREAKING, INFO, "{what} gained a contentSchema"),
    "content-schema-removed": (INFO, BREAKING, "{what} lost its contentSchema"),
    "content-media-type-changed": (BREAKING, BREAKING, "{what} contentMediaType changed from `{old}` to `{new}`"),
    "content-encoding-changed": (BREAKING, BREAKING, "{what} contentEncoding changed from `{old}` to `{new}`"),
    # accord's own (oasdiff has no `not` rules)
    "not-added": (BREAKING, INFO, "{what} gained a `not` schema: some values are now excluded"),
    "not-removed": (INFO, BREAKING, "{what} lost its `not` schema: excluded values may now appear"),
    "not-changed": (WARNING, WARNING, "{what} `not` schema changed"),
}

#: Bounds: keyword -> (rule name, kind). For an upper bound, "decreased" and "set" narrow;
#: for a lower bound "increased" and "set" narrow.
BOUNDS: dict[str, tuple[str, str]] = {
    "maximum": ("max", "upper"),
    "minimum": ("min", "lower"),
    "maxLength": ("max-length", "upper"),
    "minLength": ("min-length", "lower"),
    "maxItems": ("max-items", "upper"),
    "minItems": ("min-items", "lower"),
    "maxProperties": ("max-properties", "upper"),
    "minProperties": ("min-properties", "lower"),
    "exclusiveMaximum": ("exclusive-max", "upper"),  # 3.1: a number (3.0's boolean flag is not a bound)
    "exclusiveMinimum": ("exclusive-min", "lower"),
    "maxContains": ("max-contains", "upper"),
    "minContains": ("min-contains", "lower"),
}

_BOUND_CHANGES = {
    # (kind, change) -> (request level, response level, template). Narrowing a request breaks,
    # widening a response breaks. A bound *set* where there was none is a warning on a request,
    # as in oasdiff: it usually writes down a limit the server already enforced, so review it.
    ("upper", "decreased"): (BREAKING, INFO, "{what} {keyword} decreased from {old} to {new}"),
    ("upper", "increased"): (INFO, BREAKING, "{what} {keyword} increased from {old} to {new}"),
    ("upper", "set"): (WARNING, INFO, "{what} now has {keyword} {new}"),
    ("upper", "unset"): (INFO, BREAKING, "{what} no longer has {keyword} {old}"),
    ("lower", "increased"): (BREAKING, INFO, "{what} {keyword} increased from {old} to {new}"),
    ("lower", "decreased"): (INFO, BREAKING, "{what} {keyword} decreased from {old} to {new}"),
    ("lower", "set"): (WARNING, INFO, "{what} now has {keyword} {new}"),
    ("lower", "unset"): (INFO, BREAKING, "{what} no longer has {keyword} {old}"),
}

#: prefix -> which side of the exchange the schema is on.
SCHEMA_PREFIXES = {
    "request-parameter": "request",
    "request-parameter-property": "request",  # a property of an object-valued parameter
    "request-header-property": "request",  # ... of a header parameter (oasdiff names them apart)
    "request-body": "request",
    "request-property": "request",
    "response-body": "response",
    "response-property": "response",
    "response-header": "response",
}


def _schema_rules() -> dict[str, tuple[str, str, str]]:
    schema_rules = dict(_SCHEMA_RULES)
    for name, kind in BOUNDS.values():
        for (bound_kind, change), levels_and_template in _BOUND_CHANGES.items():
            if bound_kind == kind:
                schema_rules[f"{name}-{change}"] = levels_and_template
    return schema_rules


#: Every schema rule suffix; each exists under every prefix of SCHEMA_PREFIXES.
SCHEMA_SUFFIXES = tuple(_schema_rules())


def _build() -> dict[str, Rule]:
    rules = {rule_id: Rule(rule_id, level, template) for rule_id, (level, template) in _OPERATION_RULES.items()}
    schema_rules = _schema_rules()
    for prefix, side in SCHEMA_PREFIXES.items():
        for suffix, (request_level, response_level, template) in schema_rules.items():
            rule_id = f"{prefix}-{suffix}"
            level = request_level if side == "request" else response_level
            rules.setdefault(rule_id, Rule(rule_id, level, template))
    for rule_id, (level, template) in _LEVEL_OVERRIDES.items():
        rules[rule_id] = Rule(rule_id, level, template)
    return rules


#: Where one prefix departs from its suffix's levels. A changed default of a *parameter* is
#: breaking (as in oasdiff): clients that omit it — the reason for a default — silently get
#: another behaviour; a property default stays a warning (it is often documentation only).
_LEVEL_OVERRIDES = {
    "request-parameter-default-value-changed": (
        BREAKING, "{what} default changed from {old} to {new}; clients that omit it now get another behaviour"),
    "request-parameter-default-value-added": (
        BREAKING, "{what} now has default {new}; what omitting it means may have changed for clients"),
    "request-parameter-default-value-removed": (
        BREAKING, "{what} no longer has default {old}; clients that omit it no longer get a defined behaviour"),
}


RULES: dict[str, Rule] = _build()

#: Callbacks and webhooks reverse the roles: our service sends the request and the consumer
#: answers it. Their request body is compared as a response (what the consumer receives: a
#: removed property breaks it, a new required one does not), their responses as requests
#: (what the consumer must send). Each rule of a body therefore has a callback twin, named
#: with the roles as written in the document and leveled by the side the consumer is on.
_CALLBACK_SOURCES = ("request-body-", "request-property-", "response-body-", "response-property-",
                     "new-required-request-property", "new-optional-request-property", "request-property-",
                     "response-required-property-", "response-optional-property-")
_CALLBACK_OPERATION_RULES: dict[str, tuple[str, str]] = {
    "webhook-added": (INFO, "webhook {what} was added"),
    # oasdiff: ERR; consumers that rely on the event no longer receive it
    "webhook-removed": (BREAKING, "webhook {what} was removed; receivers no longer get these calls"),
    # what our service sends in the callback's request (the consumer reads it)
    "callback-request-parameter-removed": (BREAKING, "{what} is no longer sent; receivers reading it lose it"),
    "callback-request-parameter-added": (INFO, "{what} is now sent too"),
    # what the consumer may answer
    "callback-response-status-removed": (BREAKING, "answer {what} is no longer expected; receivers answering "
                                                   "with it may be treated as failing"),
    "callback-response-status-added": (INFO, "answer {what} is now expected too"),
    "callback-added": (INFO, "callback {what} was added"),
    "callback-removed": (BREAKING, "callback {what} was removed; receivers no longer get these calls"),
}


def swap_roles(rule_id: str) -> str:
    """`response-property-type-changed` -> `callback-request-property-type-changed`: the callback twin of
    a rule reported on the mirrored side."""
    words = ["response" if w == "request" else "request" if w == "response" else w for w in rule_id.split("-")]
    return "callback-" + "-".join(words)


def _callback_rules() -> dict[str, Rule]:
    twins = {}
    for rule_id, spec in RULES.items():
        if rule_id.startswith(_CALLBACK_SOURCES) and rule_id not in _OPERATION_RULES:
            twin = swap_roles(rule_id)
            twins[twin] = Rule(twin, spec.level, spec.template)
    for rule_id in ("new-required-request-property", "new-optional-request-property",
                    "new-required-request-property-with-default", "request-property-removed",
                    "request-property-became-required", "request-property-became-optional",
                    "request-property-became-required-with-default",
                    "response-required-property-removed", "response-optional-property-removed",
                    "response-property-became-optional", "response-property-became-required",
                    "response-required-property-added", "response-optional-property-added"):
        twin = swap_roles(rule_id)
        twins[twin] = Rule(twin, RULES[rule_id].level, RULES[rule_id].template)
    for rule_id, (level, template) in _CALLBACK_OPERATION_RULES.items():
        twins[rule_id] = Rule(rule_id, level, template)
    return twins


RULES.update(_callback_rules())


def rule(rule_id: str) -> Rule:
    """The rule with this id (KeyError for an unknown id: a bug in the walker, not user input)."""
    return RULES[rule_id]


def bound_change(old: float | None, new: float | None, kind: str) -> str | None:
    """Name the change of a bound: "increased", "decreased", "set", "unset" or None."""
    if old == new:
        return None
    if old is None:
        return "set"
    if new is None:
        return "unset"
    return "increased" if new > old else "decreased"


class _Placeholders(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"<{key}>"


def describe(rule_id: str) -> str:
    """The rule's one-line description: its message with the placeholders named."""
    return RULES[rule_id].template.format_map(_Placeholders())


def catalogue_lines() -> list[str]:
    """`accord diff --list-rules`: one rule a line, `id  level  description`."""
    width = max(len(rule_id) for rule_id in RULES)
    return [f"{rule_id:<{width}}  {spec.level:<8}  {describe(rule_id)}" for rule_id, spec in sorted(RULES.items())]


def catalogue_markdown() -> str:
    """docs/diff-rules.md (`python -m accord.diff > docs/diff-rules.md`; a test keeps it equal)."""
    counts = {level: sum(1 for r in RULES.values() if r.level == level) for level in LEVELS}
    lines = [
        "# `accord diff` rules",
        "",
        "Generated by `python -m accord.diff > docs/diff-rules.md`; `accord diff --list-rules` prints the "
        "same catalogue.",
        f"{len(RULES)} rules: " + ", ".join(f"{n} {level}" for level, n in counts.items()) + ".",
        "Ids are oasdiff's wherever oasdiff names the same change; `callback-*` rules are the twins of body rules "
        "for callbacks and webhooks, whose roles are swapped (our service sends the request).",
        "Levels can be changed per rule in `[tool.accord.diff.rules]` or with `--rule-level ID=LEVEL`.",
        "A Swagger 2.0 document diffed against an OpenAPI 3.x one is compared in its 3.0 form (as the mock "
        "converts it: `body` and `formData` parameters become the `requestBody`), so request-body rules apply "
        "to its form fields; pointers and lines stay those of the 2.0 file. Two 2.0 documents are compared as "
        "written.",
        "",
        "| rule | level | description |",
        "|---|---|---|",
    ]
    for rule_id, spec in sorted(RULES.items()):
        text = describe(rule_id).replace("|", "\\|")
        lines.append(f"| `{rule_id}` | {spec.level} | {text} |")
    return "\n".join(lines) + "\n"

