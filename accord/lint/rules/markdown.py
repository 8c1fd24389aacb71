"""Rules on Markdown text (descriptions and titles) that renderers may execute."""

from __future__ import annotations

from accord.lint.context import Hits, LintContext


def _text_fields(ctx: LintContext, needle: str) -> Hits:
    for node in ctx.nodes:
        if node.is_name_map:
            continue
        for key in ("description", "title"):
            value = node.value.get(key)
            if isinstance(value, str) and needle in value:
                yield f"{node.pointer}/{key}", f'Markdown descriptions must not have "{needle}".'


def no_eval_in_markdown(ctx: LintContext) -> Hits:
    yield from _text_fields(ctx, "eval(")


def no_script_tags_in_markdown(ctx: LintContext) -> Hits:
    yield from _text_fields(ctx, "<script")
