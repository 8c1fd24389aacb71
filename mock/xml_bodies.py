"""JSON-shaped values written as XML, following the schema's XML Objects (OpenAPI 3 §4.8.26).

Without XML Objects the root is `<xml>` (Prism's) and there is one element per property. Arrays
follow the XML Object rules: an array property is unwrapped unless `xml.wrapped: true`, so its
items repeat as elements named by `items.xml.name` or else the property's name (an array's own
`xml.name` is ignored); a wrapped array is an outer element (the array's `xml.name` or the
property's name) holding items named by `items.xml.name` or else that outer name (the OpenAPI
examples' `<aliens><aliens>…`). A top-level array keeps its root and names items by
`items.xml.name`, the root's `xml.name`, or `<item>`. `xml.name` renames the root or a property,
`xml.attribute` writes a scalar property as an attribute, and `prefix` / `namespace` qualify a
name and declare the namespace where it is used.

A *string* example of an XML media type is its serialised form and is sent as written
(`responses.py`); this module renders values (structured examples and generated data).
"""

from __future__ import annotations

from typing import Any

from accord.openapi import deref

ROOT = "xml"
ITEM = "item"
_MAX_HOPS = 64  # nesting past which schemas are no longer consulted (recursive schemas)


def to_xml(value: Any, schema: Any, document: dict[str, Any]) -> bytes:
    """The XML document for `value`, named after `schema`'s XML Objects."""
    writer = _Writer(document)
    root = writer.xml_of(schema)
    name = _qualified(root, str(root.get("name") or ROOT))
    body = writer.element(name, value, schema, root, 0, _qualified(root, str(root.get("name") or ITEM)))
    return ('<?xml version="1.0" encoding="UTF-8"?>' + body).encode("utf-8")


class _Writer:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, schema: Any) -> dict[str, Any]:
        resolved = deref(self.document, schema)
        return resolved if isinstance(resolved, dict) else {}

    def xml_of(self, schema: Any) -> dict[str, Any]:
        """The XML Object of a schema (or of the first `allOf` member that has one)."""
        resolved = self.resolve(schema)
        xml = resolved.get("xml")
        if isinstance(xml, dict):
            return xml
        for part in resolved.get("allOf") or ():
            found = self.xml_of(part)
            if found:
                return found
        return {}

    def property_schema(self, schema: Any, name: str) -> Any:
        resolved = self.resolve(schema)
        properties = resolved.get("properties")
        if isinstance(properties, dict) and name in properties:
            return properties[name]
        for keyword in ("allOf", "oneOf", "anyOf"):
            for part in resolved.get(keyword) or ():
                found = self.property_schema(part, name)
                if found is not None:
                    return found
        extra = resolved.get("additionalProperties")
        return extra if isinstance(extra, dict) else None

    def items_schema(self, schema: Any) -> Any:
        items = self.resolve(schema).get("items")
        return items if isinstance(items, dict) else None

    def element(self, name: str, value: Any, schema: Any, xml: dict[str, Any], depth: int, item: str) -> str:
        """`<name>` holding `value`; a list's items are named `items.xml.name` or else `item`."""
        attributes = _namespace(xml)
        if depth > _MAX_HOPS:
            schema = None
        if isinstance(value, dict):
            inner: list[str] = []
            for key, member in value.items():
                sub = self.property_schema(schema, str(key)) if schema is not None else None
                sub_xml = self.xml_of(sub) if sub is not None else {}
                sub_name = _qualified(sub_xml, str(sub_xml.get("name") or key))
                if sub_xml.get("attribute") is True and not isinstance(member, (dict, list)):
                    attributes += f" {sub_name}={_quoteattr(_scalar(member))}"
                elif isinstance(member, list) and sub_xml.get("wrapped") is not True:
                    # unwrapped (the default): the items repeat, named after the property
                    inner.extend(self.items(member, sub, str(key), depth))
                else:
                    inner.append(self.element(sub_name, member, sub, sub_xml, depth + 1, sub_name))
            content = "".join(inner)
        elif isinstance(value, list):
            content = "".join(self.items(value, schema, item, depth))
        else:
            content = _escape(_scalar(value))
        return f"<{name}{attributes}>{content}</{name}>"

    def items(self, values: list[Any], schema: Any, default: str, depth: int) -> list[str]:
        """One element per item, named by `items.xml.name` or else `default`."""
        items = self.items_schema(schema) if schema is not None else None
        items_xml = self.xml_of(items) if items is not None else {}
        name = _qualified(items_xml, str(items_xml["name"])) if items_xml.get("name") else default
        return [self.element(name, v, items, items_xml, depth + 1, name) for v in values]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _qualified(xml: dict[str, Any], name: str) -> str:
    prefix = xml.get("prefix")
    return f"{prefix}:{name}" if isinstance(prefix, str) and prefix else name


def _namespace(xml: dict[str, Any]) -> str:
    namespace = xml.get("namespace")
    if not isinstance(namespace, str) or not namespace:
        return ""
    prefix = xml.get("prefix")
    attribute = f"xmlns:{prefix}" if isinstance(prefix, str) and prefix else "xmlns"
    return f" {attribute}={_quoteattr(namespace)}"


def _escape(text: str) -> str:
    # xml.sax.saxutils is imported on first use: it imports urllib.request (~5 ms at start-up).
    from xml.sax.saxutils import escape

    return escape(text)


def _quoteattr(text: str) -> str:
    from xml.sax.saxutils import quoteattr

    return quoteattr(text)
