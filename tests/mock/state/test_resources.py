"""mock/state/resources.py: families recognised from links, path pairs and PUT on an item."""

from __future__ import annotations

from pathlib import Path

from accord.mock.app import create_app
from accord.mock.state.resources import infer

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT / "spec" / "openapi.yaml"
NOTES = ROOT / "tests" / "fixtures" / "mock-notes" / "openapi.yaml"
PETS = ROOT / "tests" / "fixtures" / "mock-pets" / "openapi.yaml"


def _roles(path: Path) -> dict[str, tuple[str, str, str, str | None]]:
    app = create_app(path)
    return {label: (r.kind, r.family.item, r.family.id_pointer, r.action) for label, r in infer(app.api).items()}


def test_the_job_family_is_found_through_the_links() -> None:
    roles = _roles(SPEC)
    job = ("/v1/prediction-jobs/{job_id}", "/id")
    for create in ("createIrisPredictionJob", "createWinePredictionJob", "createDigitsPredictionJob"):
        assert roles[create] == ("create", *job, None)
    assert roles["getPredictionJob"] == ("read", *job, None)
    assert roles["listPredictionJobs"] == ("list", *job, None)
    assert roles["getPredictionJobResults"] == ("action", *job, "results")
    assert roles["cancelPredictionJob"] == ("action", *job, "cancel")
    # operations on other things keep their static answers
    assert "getModel" not in roles and "predictIris" not in roles and "listModels" not in roles


def test_collection_and_item_templates_without_links() -> None:
    roles = _roles(NOTES)
    notes = ("/notes/{noteId}", "/noteId")
    assert roles["createNote"] == ("create", *notes, None)
    assert roles["listNotes"] == ("list", *notes, None)
    assert roles["getNote"] == ("read", *notes, None)
    assert roles["patchNote"] == ("update", *notes, None)
    assert roles["deleteNote"] == ("delete", *notes, None)
    # PUT on an item template: create-or-replace at the client's id
    assert roles["putTag"] == ("upsert", "/tags/{name}", "/name", None)
    assert roles["getTag"] == ("read", "/tags/{name}", "/name", None)


def test_a_literal_sibling_of_the_item_is_not_an_item() -> None:
    roles = _roles(PETS)
    assert roles["createPet"][:2] == ("create", "/pets/{petId}")
    assert roles["getPet"][0] == "read" and roles["deletePet"][0] == "delete"
    assert "myPets" not in roles  # /pets/mine is a fixed path, not /pets/{petId}
