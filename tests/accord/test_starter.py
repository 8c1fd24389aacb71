"""accord init (accord/starter.py): a new project whose contract suite passes, from the starter
contract or from a team's own document, never overwriting anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accord.scaffold import handler_status
from accord.starter import accord_requirement, init_project

ROOT = Path(__file__).resolve().parents[2]
PETSTORE = ROOT / "tests" / "fixtures" / "petstore" / "openapi.yaml"


def accord(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real console entry point, run in the new project as its user would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    return subprocess.run([sys.executable, "-c", "from accord.cli import main; main()", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def pytest_in(project: Path) -> subprocess.CompletedProcess[str]:
    """The new project's own test command (what its `make test` runs after validate and lint)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "PYTEST_"))}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
                          capture_output=True, text=True, timeout=300, env=env)


def test_the_starter_project_validates_lints_and_passes_its_contract_suite(tmp_path: Path) -> None:
    project = tmp_path / "notes-api"
    result = accord("init", str(project), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("spec/openapi.yaml", "service/__init__.py", "service/handlers/notes.py", "tests/test_contract.py",
                 "Makefile", "pyproject.toml", "README.md", ".github/workflows/contract.yml", ".gitignore"):
        assert (project / name).is_file(), name
    assert "Notes Api" in (project / "README.md").read_text()
    assert accord("validate", cwd=project).returncode == 0
    lint = accord("lint", cwd=project)
    assert lint.returncode == 0 and "no lint findings" in lint.stdout, lint.stdout + lint.stderr
    status = handler_status(project / "spec/openapi.yaml", str(project / "service"))
    assert status.stubs == () and status.missing == ()
    run = pytest_in(project)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "3 passed" in run.stdout


def test_adding_an_operation_as_the_readme_says(tmp_path: Path) -> None:
    """Step 1: the contract; step 2: scaffold (a stub, listed as not implemented); step 3: write it."""
    project = tmp_path / "api"
    init_project(project)
    spec = project / "spec" / "openapi.yaml"
    spec.write_text(spec.read_text().replace("components:\n", (
        "  /version:\n"
        "    get:\n"
        "      operationId: getVersion\n"
        "      tags: [health]\n"
        "      summary: Version\n"
        "      description: The running version.\n"
        "      security: []\n"
        "      responses:\n"
        "        \"200\":\n"
        "          description: The version.\n"
        "          content:\n"
        "            application/json:\n"
        "              schema:\n"
        "                type: object\n"
        "                required: [version]\n"
        "                properties:\n"
        "                  version:\n"
        "                    type: string\n"
        "              example:\n"
        "                version: 0.1.0\n"
        "components:\n"), 1))
    scaffolded = accord("scaffold", cwd=project)
    assert scaffolded.returncode == 0, scaffolded.stderr
    assert "service/handlers/health.py: get_version" in scaffolded.stdout
    assert handler_status(spec, str(project / "service")).stubs == ("getVersion",)
    pending = pytest_in(project)
    assert pending.returncode == 0, pending.stdout[-3000:]
    assert "not implemented yet (accord scaffold's stubs): getVersion" in pending.stdout

    health = project / "service" / "handlers" / "health.py"
    text = health.read_text()
    start = text.index("def get_version")
    health.write_text(text[:start] + 'def get_version() -> Any:\n    return json_response({"version": "0.1.0"})\n')
    written = pytest_in(project)
    assert written.returncode == 0, written.stdout[-3000:]
    assert "3 passed" in written.stdout


def test_a_teams_own_document_gets_stubs_listed_as_not_implemented(tmp_path: Path) -> None:
    project = tmp_path / "pets"
    made = init_project(project, spec=PETSTORE)
    assert made.spec == "spec/openapi.yaml"
    assert (project / "spec" / "openapi.yaml").read_text() == PETSTORE.read_text()  # copied as written
    assert set(made.stubs) == {"add_pet", "find_pets_by_status", "get_pet_by_id", "delete_pet", "place_order",
                               "get_user_by_name"}
    assert not (project / "service" / "handlers" / "notes.py").exists()  # no starter handlers
    run = pytest_in(project)
    # Petstore's deletePet documents nothing but a 400, so the mock can only answer a valid request
    # 400; placeOrder documents no 4xx. Both are the contract's gaps, named in notes, not failed.
    assert run.returncode == 0, run.stdout[-3000:]
    assert "not implemented yet (accord scaffold's stubs): addPet, findPetsByStatus, getPetById" in run.stdout
    mocked = accord("test", "--target", "mock", cwd=project)
    assert mocked.returncode == 0, mocked.stdout[-3000:]
    assert "DELETE /pet/{petId}: positive_data_acceptance" not in mocked.stdout
    assert "note: contract incomplete: DELETE /pet/{petId} documents no success response" in mocked.stdout
    assert "POST /store/order: status_code_conformance" not in mocked.stdout
    assert "contract incomplete: POST /store/order rejected invalid requests with 422" in mocked.stdout

    # With those statuses documented (a `default` response, as many documents have), it passes.
    spec = project / "spec" / "openapi.yaml"
    spec.write_text(spec.read_text().replace("      responses:\n",
                                             "      responses:\n        default:\n          description: An error.\n"))
    assert pytest_in(project).returncode == 0


#: A team's first document: no error response anywhere (no 400, no 422, no default).
NO_ERRORS = """\
openapi: 3.0.3
info: {title: Pets, version: "1.0"}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 10}}
      responses:
        "200":
          description: The pets.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
      responses:
        "201":
          description: The pet.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 20}
"""

#: The same document as Swagger 2.0, as a team's older API is written: one `produces` for every
#: response, and an error response declared without a schema (in 2.0: without a body).
NO_ERRORS_SWAGGER2 = """\
swagger: "2.0"
info: {title: Pets, version: "1.0"}
produces: [application/json]
consumes: [application/json]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, type: integer, minimum: 1, maximum: 10}
      responses:
        "200":
          description: The pets.
          schema: {type: array, items: {$ref: "#/definitions/Pet"}}
    post:
      operationId: createPet
      parameters:
        - {name: body, in: body, required: true, schema: {$ref: "#/definitions/Pet"}}
      responses:
        "201":
          description: The pet.
          schema: {$ref: "#/definitions/Pet"}
        "405":
          description: Not allowed.
definitions:
  Pet:
    type: object
    required: [name]
    properties:
      name: {type: string, maxLength: 20}
"""

PET_HANDLERS = """\
from typing import Any


def list_pets(limit: int | None = None) -> Any:
    return [{"name": "Rex"}][: limit or 10]


def create_pet(body: Any) -> Any:
    return body, 201
"""


@pytest.mark.parametrize("text", [NO_ERRORS, NO_ERRORS_SWAGGER2], ids=["openapi-3.0", "swagger-2.0"])
def test_a_document_without_error_responses_passes_out_of_the_box(tmp_path: Path, text: str) -> None:
    """The mock rejects invalid requests with Prism's 422 and the service with 400, neither
    documented: the runs pass and name the gap; a valid request answered off-contract still fails
    (tests/contract_tests/test_runner.py, undocumented_status). A Swagger 2.0 document is tested as
    the 3.0 the mock and the service serve: its `produces` does not give the undocumented 422 (nor
    the body-less 405) a media type to check."""
    document = tmp_path / "pets.yaml"
    document.write_text(text)
    project = tmp_path / "pets"
    made = init_project(project, spec=document)
    (project / "service" / "handlers" / "default.py").write_text(PET_HANDLERS)
    assert set(made.stubs) == {"list_pets", "create_pet"}
    run = pytest_in(project)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "3 passed" in run.stdout
    for target, status in (("mock", 422), ("service", 400)):
        cli = accord("test", "--target", target, cwd=project)
        assert cli.returncode == 0, cli.stdout[-3000:] + cli.stderr[-2000:]
        for label in ("GET /pets", "POST /pets"):
            assert f"note: contract incomplete: {label} rejected invalid requests with {status}×" in cli.stdout


def test_nothing_is_overwritten(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text("mine\n")
    result = accord("init", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "would overwrite Makefile" in result.stderr and "nothing was written" in result.stderr
    assert (tmp_path / "Makefile").read_text() == "mine\n"
    assert not (tmp_path / "spec").exists()


def test_a_missing_or_broken_document_is_refused_before_writing(tmp_path: Path) -> None:
    missing = accord("init", "new", "--spec", "nope.yaml", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.yaml: no such file" in missing.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.3\npaths: [\n")
    result = accord("init", "new", "--spec", str(broken), cwd=tmp_path)
    assert result.returncode == 2 and "broken.yaml:" in result.stderr
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(("direct_url", "expected_prefix"), [(None, "accord=="), ("file", "accord @ file://")])
def test_the_project_installs_accord_from_where_this_one_came(direct_url: str | None, expected_prefix: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    real = metadata.distribution("accord")

    class Dist:
        version = real.version

        def read_text(self, name: str) -> str | None:
            return '{"url": "file:///tmp/accord-0.1.0-py3-none-any.whl"}' if direct_url else None

    monkeypatch.setattr(metadata, "distribution", lambda name: Dist())
    assert accord_requirement().startswith(expected_prefix)
