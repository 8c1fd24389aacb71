"""Info and tag rules: who to contact, what the API is, tags declared once and described."""

from __future__ import annotations

from typing import Any

from accord.lint.context import Hits, LintContext


def _info(ctx: LintContext) -> dict[str, Any]:
    info = ctx.document.get("info")
    return info if isinstance(info, dict) else {}


def _tags(ctx: LintContext) -> list[Any]:
    tags = ctx.document.get("tags")
    return tags if isinstance(tags, list) else []


def info_contact(ctx: LintContext) -> Hits:
    if not _info(ctx).get("contact"):
        yield "/info", 'Info object must have "contact" object.'


def info_description(ctx: LintContext) -> Hits:
    if not _info(ctx).get("description"):
        yield "/info", 'Info "description" must be present and non-empty string.'


def info_license(ctx: LintContext) -> Hits:
    if not _info(ctx).get("license"):
        yield "/info", 'Info object must have "license" object.'


def license_url(ctx: LintContext) -> Hits:
    license_ = _info(ctx).get("license")
    if not (isinstance(license_, dict) and license_.get("url")):
        yield "/info/license" if license_ else "/info", 'License object must include "url".'


def contact_properties(ctx: LintContext) -> Hits:
    contact = _info(ctx).get("contact")
    if isinstance(contact, dict):
        for field in ("name", "url", "email"):
            if not contact.get(field):
                yield "/info/contact", f'Contact object must have "{field}".'


def openapi_tags(ctx: LintContext) -> Hits:
    if not _tags(ctx):
        yield "/tags" if "tags" in ctx.document else "", 'OpenAPI object must have non-empty "tags" array.'


def openapi_tags_alphabetical(ctx: LintContext) -> Hits:
    names = [str(t.get("name")) for t in _tags(ctx) if isinstance(t, dict)]
    for index in range(1, len(names)):
        if names[index] < names[index - 1]:
            previous = names[index - 1]
            yield f"/tags/{index}", f'"tags" must be in alphabetical order: {names[index]!r} comes after {previous!r}.'
            return


def openapi_tags_uniqueness(ctx: LintContext) -> Hits:
    seen: set[str] = set()
    for index, tag in enumerate(_tags(ctx)):
        if isinstance(tag, dict) and isinstance(tag.get("name"), str):
            if tag["name"] in seen:
                yield f"/tags/{index}/name", f'"tags" object contains duplicate tag name "{tag["name"]}".'
            seen.add(tag["name"])


def tag_description(ctx: LintContext) -> Hits:
    for index, tag in enumerate(_tags(ctx)):
        if isinstance(tag, dict) and not tag.get("description"):
            yield f"/tags/{index}", 'Tag object must have "description".'
