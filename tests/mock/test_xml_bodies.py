"""mock/xml_bodies.py and XML answers: string examples sent as written, XML Objects honoured."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conftest import FIXTURES

from accord.mock.xml_bodies import to_xml

XML = FIXTURES / "mock-xml" / "openapi.yaml"


def test_a_string_example_of_an_xml_media_type_is_sent_as_written(make_client):
    client = make_client(XML)
    response = client.get("/orders/7", headers={"Accept": "application/xml"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    assert response.text == '<order id="7"><item>tea</item><item>milk</item></order>'
    # its JSON twin is still the JSON value
    assert client.get("/orders/7", headers={"Accept": "application/json"}).json() == {"id": 7, "items": ["tea", "milk"]}


def test_generated_xml_follows_the_xml_objects(make_client):
    client = make_client(XML)
    for dynamic in ("false", "true"):
        response = client.get("/invoices/1", headers={"Prefer": f"dynamic={dynamic}"})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/xml"
        root = ET.fromstring(response.content)
        namespace = "{https://example.com/invoices}"
        assert root.tag == f"{namespace}invoice"  # xml.name, prefix and namespace on the root
        assert int(root.attrib["number"]) >= 1  # xml.attribute
        assert [child.tag for child in root if child.tag != "note"] == ["cur", "line", "line"]
        assert [line.text for line in root.findall("line")] == ["tea", "tea"]  # unwrapped, items' xml.name
        # `notes` has no XML Object, so it is unwrapped: its items repeat as <note> (items' xml.name)
        assert root.find("notes") is None
        assert [note.text for note in root.findall("note")] in ([], ["paid"])


def test_wrapped_and_unwrapped_arrays_follow_the_xml_object_rules(make_client):
    client = make_client(XML)
    for dynamic in ("false", "true"):  # the structured example, then generated data
        response = client.get("/pets/1", headers={"Prefer": f"dynamic={dynamic}"})
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        assert root.tag == "Pet"
        # wrapped, xml.name on the array: it names the wrapper, and the items (no items.xml.name)
        assert [child.tag for child in root.find("photoUrl")] == ["photoUrl", "photoUrl"]
        # wrapped without a name: the property names the wrapper, items are named by items.xml.name
        assert [child.tag for child in root.find("tags")] == ["Tag"]
        # unwrapped (the default): items repeat under the property's name; the array's xml.name is ignored
        assert [child.tag for child in root if child.tag not in ("name", "photoUrl", "tags")] == ["aliases"]
        assert root.find("photoUrls") is None and root.find(".//item") is None
        if dynamic == "false":
            assert [url.text for url in root.find("photoUrl")] == ["a.png", "b.png"]
            assert root.find("tags/Tag/name").text == "good"
            assert root.find("aliases").text == "R"


def test_without_xml_objects_the_root_is_xml_and_arrays_are_unwrapped():
    rendered = to_xml({"a": [1, True], "b": None}, {"type": "object"}, {})
    assert rendered == b'<?xml version="1.0" encoding="UTF-8"?><xml><a>1</a><a>true</a><b></b></xml>'
    # a top-level array keeps its root and names its items <item>
    assert to_xml([1], {"type": "array"}, {}).endswith(b"<xml><item>1</item></xml>")


def test_a_referenced_schema_names_the_root_and_text_is_escaped():
    document = {"components": {"schemas": {"Pet": {"type": "object", "xml": {"name": "pet"},
                                                   "properties": {"name": {"type": "string"}}}}}}
    rendered = to_xml({"name": "<Rex & co>"}, {"$ref": "#/components/schemas/Pet"}, document)
    assert rendered.endswith(b"<pet><name>&lt;Rex &amp; co&gt;</name></pet>")
