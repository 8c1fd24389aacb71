"""How handlers are called (impl/binding.py): the arguments are Connexion's, worked out once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from connexion.decorators.parameter import prep_kwargs

from accord.service.binding import ArgumentPlan
from tests.impl.conftest import AUTH, IRIS_ROW

JOB_BODY = {"instances": [IRIS_ROW, IRIS_ROW]}


def test_arguments_equal_connexions_for_every_kind_of_parameter(make_app: Callable[..., Any],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Every handler call computes the arguments both ways: the plan's must equal Connexion's."""
    compared: list[tuple[str, dict[str, Any]]] = []
    plan_kwargs = ArgumentPlan.kwargs

    def both(self: ArgumentPlan, request: Any, body: Any) -> dict[str, Any]:
        ours = plan_kwargs(self, request, body)
        # JSON bodies (or none) bring no files; Connexion gets {} from request.files() for them.
        theirs = prep_kwargs(request, request_body=body, files={}, arguments=self.arguments,
                             has_kwargs=self.has_kwargs, sanitize=self.sanitize)
        assert ours == theirs, request.url.path
        compared.append((request.url.path, ours))
        return ours

    monkeypatch.setattr(ArgumentPlan, "kwargs", both)
    app = make_app()
    with app.test_client(raise_server_exceptions=False) as c:
        assert c.get("/v1/models?limit=2", headers=AUTH).status_code == 200  # query, with a default
        assert c.get("/v1/models", headers=AUTH).status_code == 200  # the default alone
        assert c.get("/v1/models/iris-classifier/versions/1", headers=AUTH).status_code == 200  # two path params
        assert c.post("/v1/models/iris-classifier/predict?version=1", json={"instances": [IRIS_ROW]},
                      headers=AUTH).status_code == 200  # body and query
        created = c.post("/v1/models/iris-classifier/prediction-jobs", json=JOB_BODY,
                         headers={**AUTH, "Idempotency-Key": "k-1"})  # body and a header parameter
        assert created.status_code == 202, created.text
        job = created.json()["id"]
        assert c.get("/v1/prediction-jobs?model_id=iris-classifier&status=queued",
                     headers=AUTH).status_code == 200  # two query parameters
        assert c.get(f"/v1/prediction-jobs/{job}", headers=AUTH).status_code == 200
    paths = [path for path, _ in compared]
    assert len(paths) == 7
    kwargs = dict(compared)
    assert kwargs["/v1/models/iris-classifier/predict"]["body"] == {"instances": [IRIS_ROW]}
    assert kwargs["/v1/models/iris-classifier/predict"]["version"] == "1"
    assert kwargs["/v1/models/iris-classifier/versions/1"] == {"model_id": "iris-classifier", "version": "1"}

