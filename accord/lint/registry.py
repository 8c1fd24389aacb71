"""The table of lint rules: rule id -> function, default severity, description, recommended.

Rules shared with Spectral's `spectral:oas` ruleset keep Spectral's names, default
severities ("warn" is our "warning") and recommended flags, so teams coming from Spectral
recognise them; rules of our own are prefixed `accord-`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accord.lint.context import Hits, LintContext
from accord.lint.rules import (
    components,
    consistency,
    contract,
    examples,
    info,
    markdown,
    operations,
    owasp,
    paths,
    schemas,
    servers,
)

SEVERITIES = ("error", "warning", "info", "hint")
ALL = frozenset(("2.0", "3.0", "3.1"))
OAS3 = frozenset(("3.0", "3.1"))
#: accord's contract-first house ruleset (opt-in: `extends: [spectral:oas, accord:contract]`).
HOUSE = "accord:contract"
#: The OWASP API Security Top 10 2023 ruleset (Spectral's owasp:api… rule names).
OWASP = "owasp:api"
OAS30 = frozenset(("3.0",))
OAS31 = frozenset(("3.1",))


@dataclass(slots=True, frozen=True)
class Rule:
    id: str
    check: Callable[[LintContext], Hits]
    severity: str
    description: str
    recommended: bool = True
    versions: frozenset[str] = ALL
    #: The ruleset the rule belongs to: "spectral:oas", "owasp:api", "accord:contract" or a file.
    ruleset: str = "spectral:oas"


_RULES = (
    # -- spectral:oas: operations ---------------------------------------------------------------
    Rule("operation-operationId", operations.operation_id, "warning", 'Operation must have "operationId".'),
    Rule("operation-operationId-unique", operations.operation_id_unique, "error",
         'Every operation must have unique "operationId".'),
    Rule("operation-operationId-valid-in-url", operations.operation_id_valid_in_url, "warning",
         "operationId must not contain characters that are invalid when used in URL."),
    Rule("operation-parameters", operations.operation_parameters, "warning",
         "Operation parameters are unique and non-repeating."),
    Rule("operation-success-response", operations.operation_success_response, "warning",
         'Operation must have at least one "2xx" or "3xx" response.'),
    Rule("operation-description", operations.operation_description, "warning",
         'Operation "description" must be present and non-empty string.'),
    Rule("operation-tags", operations.operation_tags, "warning", 'Operation must have non-empty "tags" array.'),
    Rule("operation-tag-defined", operations.operation_tag_defined, "warning",
         "Operation tags must be defined in global tags."),
    Rule("operation-singular-tag", operations.operation_singular_tag, "warning",
         "Operation must not have more than a single tag.", recommended=False),
    Rule("oas3-operation-security-defined", operations.operation_security_defined, "warning",
         'Operation "security" values must match a scheme defined in the "components.securitySchemes" object.',
         versions=OAS3),
    Rule("oas3-parameter-description", operations.parameter_description, "warning",
         'Parameter objects must have "description".', recommended=False, versions=OAS3),
    Rule("oas3-callbacks-in-callbacks", operations.callbacks_in_callbacks, "warning",
         "Callbacks should not be defined within a callback.", versions=OAS3),
    Rule("oas3_1-servers-in-webhook", operations.webhook_servers, "warning",
         "Servers should not be defined in a webhook.", versions=frozenset(("3.1",))),
    Rule("oas3_1-callbacks-in-webhook", operations.webhook_callbacks, "warning",
         "Callbacks should not be defined in a webhook.", versions=frozenset(("3.1",))),
    # -- spectral:oas: paths --------------------------------------------------------------------
    Rule("path-params", paths.path_params, "error", "Path parameters must be defined and valid."),
    Rule("path-declarations-must-exist", paths.path_declarations_must_exist, "warning",
         'Path parameter declarations must not be empty, ex."/given/{}" is invalid.'),
    Rule("path-keys-no-trailing-slash", paths.path_keys_no_trailing_slash, "warning", "Path must not end with slash."),
    Rule("path-not-include-query", paths.path_not_include_query, "warning", "Path must not include query string."),
    Rule("path-ambiguous", paths.path_ambiguous, "error",
         "No two paths are equivalent templates (Spectral reports these under path-params)."),
    # -- spectral:oas: info and tags ------------------------------------------------------------
    Rule("info-contact", info.info_contact, "warning", 'Info object must have "contact" object.'),
    Rule("info-description", info.info_description, "warning",
         'Info "description" must be present and non-empty string.'),
    Rule("info-license", info.info_license, "warning", 'Info object must have "license" object.', recommended=False),
    Rule("license-url", info.license_url, "warning", 'License object must include "url".', recommended=False),
    Rule("contact-properties", info.contact_properties, "warning",
         'Contact object must have "name", "url" and "email".', recommended=False),
    Rule("openapi-tags", info.openapi_tags, "warning",
         'OpenAPI object must have non-empty "tags" array.', recommended=False),
    Rule("openapi-tags-alphabetical", info.openapi_tags_alphabetical, "warning",
         'OpenAPI object must have alphabetical "tags".', recommended=False),
    Rule("openapi-tags-uniqueness", info.openapi_tags_uniqueness, "error", "Each tag must have a unique name."),
    Rule("tag-description", info.tag_description, "warning", 'Tag object must have "description".', recommended=False),
    Rule("no-eval-in-markdown", markdown.no_eval_in_markdown, "warning",
         'Markdown descriptions must not have "eval(".'),
    Rule("no-script-tags-in-markdown", markdown.no_script_tags_in_markdown, "warning",
         'Markdown descriptions must not have "<script>" tags.'),
    # -- spectral:oas: schemas ------------------------------------------------------------------
    Rule("no-$ref-siblings", schemas.no_ref_siblings, "error",
         "Property must not be placed among $ref.", versions=frozenset(("2.0", "3.0"))),
    Rule("duplicated-entry-in-enum", schemas.duplicated_entry_in_enum, "warning",
         "Enum values must not have duplicate entry."),
    Rule("typed-enum", schemas.typed_enum, "warning", "Enum values must respect the specified type."),
    Rule("array-items", schemas.array_items, "error", 'Schemas with "type: array", require a sibling "items" field.'),
    # -- spectral:oas: servers ------------------------------------------------------------------
    Rule("oas3-api-servers", servers.api_servers, "warning",
         'OpenAPI "servers" must be present and non-empty array.', versions=OAS3),
    Rule("oas3-server-trailing-slash", servers.server_trailing_slash, "warning",
         "Server URL must not have trailing slash.", versions=OAS3),
    Rule("oas3-server-not-example.com", servers.server_not_example_com, "warning",
         "Server URL must not point at example.com.", recommended=False, versions=OAS3),
    Rule("oas3-server-variables", servers.server_variables, "error",
         "Server variables must be defined and valid and there must be no unused variables.", versions=OAS3),
    # -- spectral:oas: examples and components --------------------------------------------------
    Rule("oas3-valid-media-example", examples.valid_media_example, "error",
         "Examples must be valid against their defined schema.", versions=OAS3),
    Rule("oas3-valid-schema-example", examples.valid_schema_example, "error",
         "Examples must be valid against their defined schema.", versions=OAS3),
    Rule("oas3-examples-value-or-externalValue", examples.examples_value_or_external_value, "warning",
         'Examples must have either "value" or "externalValue" field.', versions=OAS3),
    Rule("oas3-unused-component", components.unused_component, "warning",
         "Potentially unused component has been detected.", versions=OAS3),
    # -- accord: contract-first -----------------------------------------------------------------
    Rule("accord-problem-json-errors", contract.problem_json_errors, "error",
         "Every operation documents its client errors (4xx) as application/problem+json.",
         versions=OAS3, ruleset=HOUSE),
    Rule("accord-operation-id-python", contract.operation_id_python, "error",
         "operationIds are valid Python identifiers (the service binds handlers by operationId).", ruleset=HOUSE),
    Rule("accord-path-crossed", paths.path_crossed, "warning",
         "No two paths both match a request with neither more specific (routers would disagree).", ruleset=HOUSE),
    Rule("accord-request-schema-closed", contract.request_schema_closed, "error",
         "Request object schemas are closed (additionalProperties: false).", versions=OAS3, ruleset=HOUSE),
    Rule("accord-response-schema-open", contract.response_schema_open, "warning",
         "Response object schemas stay open (no additionalProperties: false), so fields can be added.",
         versions=OAS3, ruleset=HOUSE),
    Rule("accord-numeric-bounds", contract.numeric_bounds, "warning",
         "Numeric request inputs have a minimum and a maximum.", versions=OAS3, ruleset=HOUSE),
    Rule("accord-example-present", contract.example_present, "warning",
         "Every request body and response has an example.", versions=OAS3, ruleset=HOUSE),
    Rule("accord-consistent-pagination", consistency.consistent_pagination, "warning",
         "List operations share the limit / page_token parameters and the next_page_token field.",
         versions=OAS3, ruleset=HOUSE),
    Rule("accord-consistent-errors", consistency.consistent_errors, "warning",
         "All error responses use the same schema.", versions=OAS3, ruleset=HOUSE),
    Rule("accord-secured-401", contract.secured_401, "warning",
         "A secured operation documents its 401 (missing or bad credentials).", ruleset=HOUSE),
    # -- owasp:api: OWASP API Security Top 10 2023 -----------------------------------------------
    Rule("owasp:api1:2023-no-numeric-ids", owasp.no_numeric_ids, "error",
         "Use random IDs that cannot be guessed (UUIDs), not integers.", ruleset=OWASP),
    Rule("owasp:api2:2023-no-http-basic", owasp.no_http_basic, "error",
         "Security schemes do not use HTTP Basic.", ruleset=OWASP),
    Rule("owasp:api2:2023-no-api-keys-in-url", owasp.no_api_keys_in_url, "error",
         "API keys are not passed in the path or query.", versions=OAS3, ruleset=OWASP),
    Rule("owasp:api2:2023-no-credentials-in-url", owasp.no_credentials_in_url, "error",
         "Path and query parameters do not carry credentials (token, secret, password, API key).",
         versions=OAS3, ruleset=OWASP),
    Rule("owasp:api2:2023-auth-insecure-schemes", owasp.auth_insecure_schemes, "error",
         "HTTP authentication schemes are not outdated or insecure (negotiate, oauth 1).",
         versions=OAS3, ruleset=OWASP),
    Rule("owasp:api2:2023-jwt-best-practices", owasp.jwt_best_practices, "error",
         "JWT and OAuth 2 security schemes declare RFC8725 support in their description.", ruleset=OWASP),
    Rule("owasp:api2:2023-short-lived-access-tokens", owasp.short_lived_access_tokens, "error",
         "OAuth 2 flows (but client credentials) have a refreshUrl.", ruleset=OWASP),
    Rule("owasp:api2:2023-write-restricted", owasp.write_restricted, "error",
         "Write operations (POST, PUT, PATCH, DELETE) are secured.", ruleset=OWASP),
    Rule("owasp:api2:2023-read-restricted", owasp.read_restricted, "warning",
         "Read operations (GET, HEAD) are secured.", ruleset=OWASP),
    Rule("owasp:api3:2023-no-additionalProperties", owasp.no_additional_properties, "warning",
         "Object schemas that use additionalProperties set it to false.", versions=OAS30, ruleset=OWASP),
    Rule("owasp:api3:2023-constrained-additionalProperties", owasp.constrained_additional_properties, "warning",
         "Object schemas with an additionalProperties schema set maxProperties.", versions=OAS30, ruleset=OWASP),
    Rule("owasp:api3:2023-no-unevaluatedProperties", owasp.no_unevaluated_properties, "warning",
         "Object schemas that use unevaluatedProperties set it to false.", versions=OAS31, ruleset=OWASP),
    Rule("owasp:api3:2023-constrained-unevaluatedProperties", owasp.constrained_unevaluated_properties, "warning",
         "Object schemas with an unevaluatedProperties schema set maxProperties.", versions=OAS31, ruleset=OWASP),
    Rule("owasp:api4:2023-rate-limit", owasp.rate_limit, "error",
         "2XX and 4XX responses define rate limiting headers (one convention).", versions=OAS3, ruleset=OWASP),
    Rule("owasp:api4:2023-rate-limit-retry-after", owasp.rate_limit_retry_after, "error",
         "A 429 response with headers defines Retry-After.", versions=OAS3, ruleset=OWASP),
    Rule("owasp:api4:2023-rate-limit-responses-429", owasp.rate_limit_responses_429, "warning",
         "Operations document a 429 response with content.", ruleset=OWASP),
    Rule("owasp:api4:2023-array-limit", owasp.array_limit, "error",
         "Array schemas set maxItems.", ruleset=OWASP),
    Rule("owasp:api4:2023-string-limit", owasp.string_limit, "error",
         "String schemas set maxLength, enum or const.", ruleset=OWASP),
    Rule("owasp:api4:2023-string-restricted", owasp.string_restricted, "warning",
         "String schemas set format, pattern, enum or const.", ruleset=OWASP),
    Rule("owasp:api4:2023-integer-limit", owasp.integer_limit, "error",
         "Integer schemas set a minimum and a maximum (exactly one of each kind).", versions=OAS31, ruleset=OWASP),
    Rule("owasp:api4:2023-integer-limit-legacy", owasp.integer_limit_legacy, "error",
         "Integer schemas set minimum and maximum.", versions=frozenset(("2.0", "3.0")), ruleset=OWASP),
    Rule("owasp:api4:2023-integer-format", owasp.integer_format, "error",
         "Integer schemas set a format (int32 or int64).", ruleset=OWASP),
    Rule("owasp:api5:2023-admin-security-unique", owasp.admin_security_unique, "error",
         "Admin endpoints do not share a security requirement with other endpoints.", ruleset=OWASP),
    Rule("owasp:api7:2023-concerning-url-parameter", owasp.concerning_url_parameter, "info",
         "Parameters that carry URLs (callback, redirect, *_url) are reviewed for SSRF.", ruleset=OWASP),
    Rule("owasp:api8:2023-define-cors-origin", owasp.define_cors_origin, "error",
         "Responses with headers define Access-Control-Allow-Origin.", ruleset=OWASP),
    Rule("owasp:api8:2023-no-scheme-http", owasp.no_scheme_http, "error",
         "Swagger 2 schemes are https or wss.", versions=frozenset(("2.0",)), ruleset=OWASP),
    Rule("owasp:api8:2023-no-server-http", owasp.no_server_http, "error",
         "Server URLs do not use http://.", versions=OAS3, ruleset=OWASP),
    Rule("owasp:api8:2023-define-error-validation", owasp.define_error_validation, "warning",
         "Operations document a 400, 422 or 4XX response.", ruleset=OWASP),
    Rule("owasp:api8:2023-define-error-responses-401", owasp.define_error_responses_401, "warning",
         "Operations document a 401 response with content.", ruleset=OWASP),
    Rule("owasp:api8:2023-define-error-responses-500", owasp.define_error_responses_500, "warning",
         "Operations document a 500 response with content.", ruleset=OWASP),
    Rule("owasp:api9:2023-inventory-access", owasp.inventory_access, "error",
         "Servers declare their audience with x-internal.", versions=OAS3, ruleset=OWASP),
    Rule("owasp:api9:2023-inventory-environment", owasp.inventory_environment, "error",
         "Server descriptions name their environment (local, staging, production...).", versions=OAS3, ruleset=OWASP),
)

#: rule id -> Rule, in the order rules run and are listed.
REGISTRY: dict[str, Rule] = {rule.id: rule for rule in _RULES}
