"""`Options`: the json-schema-faker options a document sets (`x-json-schema-faker`), as accord's
generator reads them.

Prism generates dynamic data with json-schema-faker and takes its options from the document's
root `x-json-schema-faker` object (and `--json-schema-faker-fillProperties`, which wins). The
options below have a clear meaning for accord's generator; each is a *preference inside the
schema*: whatever a schema says itself wins, so every value still validates (DESIGN.md
decision 5). The others (faker locales, probabilities, `random`, …) are listed in
`Options.ignored` and reported once at start-up.

- `minItems` / `maxItems`: how many items an array gets, within the array's own bounds.
- `useDefaultValue`: a schema's `default` (when valid) rather than generated data.
- `useExamplesValue`: one of a schema's `example`/`examples` (when valid) rather than generated data.
- `resolveJsonPath`: a schema's `jsonPath` keyword takes its value from the generated body
  (`alias: {type: string, jsonPath: "$..name"}` repeats the first `name`), when that value is
  valid there.
- `fillProperties`: `true` invents one or two extra keys in objects that allow them
  (Prism's default); accord's default is `false`, no key beyond the schema's `properties` unless
  the schema asks for one (`minProperties`, maps).
- `sortProperties`: the keys of a generated JSON body in alphabetical order, at every level,
  Prism's default (its `sortSchemaAlphabetically`, whatever json-schema-faker's option says;
  an XML body keeps the schema's order, as Prism's does); `false` keeps the schema's order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

EXTENSION = "x-json-schema-faker"
_MODELLED = ("minItems", "maxItems", "useDefaultValue", "useExamplesValue", "resolveJsonPath",
             "fillProperties", "sortProperties")


@dataclass(frozen=True, slots=True)
class Options:
    min_items: int | None = None
    max_items: int | None = None
    use_default: bool = False
    use_examples: bool = False
    resolve_json_path: bool = False
    fill_properties: bool = False
    sort_properties: bool = True
    #: Options the document sets that accord's generator does not model (reported, not used).
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def read(cls, document: Any, fill_properties: bool | None = None) -> Options:
        """The options of `document`'s `x-json-schema-faker` (names as Prism reads them: any case
        style, `fill-properties` = `fillProperties`); `fill_properties` (the CLI flag) wins."""
        raw = document.get(EXTENSION) if isinstance(document, dict) else None
        given = {_camel(str(k)): v for k, v in raw.items()} if isinstance(raw, dict) else {}
        options = cls(
            min_items=_count(given.get("minItems")),
            max_items=_count(given.get("maxItems")),
            use_default=given.get("useDefaultValue") is True,
            use_examples=given.get("useExamplesValue") is True,
            resolve_json_path=given.get("resolveJsonPath") is True,
            fill_properties=given.get("fillProperties") is True,
            sort_properties=given.get("sortProperties") is not False,
            ignored=tuple(sorted(k for k in given if k not in _MODELLED)),
        )
        if fill_properties is not None:
            return cls(**{**_fields(options), "fill_properties": fill_properties})
        return options

    def items_between(self, low: int, high: int | None) -> tuple[int, int | None]:
        """The array bounds generation uses: the preferred ones, inside the schema's [low, high]."""
        new_low, new_high = low, high
        if self.min_items is not None:
            new_low = max(low, self.min_items if high is None else min(self.min_items, high))
        if self.max_items is not None:
            preferred = max(self.max_items, new_low)
            new_high = preferred if high is None else min(high, preferred)
        return new_low, new_high


def _fields(options: Options) -> dict[str, Any]:
    return {name: getattr(options, name) for name in Options.__dataclass_fields__}


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _camel(name: str) -> str:
    """lodash's camelCase for the option names Prism accepts (`fill-properties`, `fill_properties`)."""
    words = [w for w in re.split(r"[-_\s]+", name) if w]
    if not words:
        return name
    return words[0][:1].lower() + words[0][1:] + "".join(w[:1].upper() + w[1:] for w in words[1:])
