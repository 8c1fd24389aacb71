"""Handlers for the `jobs` operations: submit (202), poll, page through results, cancel."""

from __future__ import annotations

import contextlib
from typing import Any

from connexion import request

from accord.service.problems import ProblemError
from accord.service.responses import Response, json_response
from impl.context import request_id, services
from impl.handlers.predictions import capability_problem, serving_entry
from impl.jobs.dispatch import DispatchUnavailable
from impl.jobs.store import IdempotencyKeyInUse, IdempotencyKeyReused, Job, fingerprint
from impl.models.predict import CapabilityError, PredictOptions, check_options
from impl.pagination import InvalidPageToken

RETRY_AFTER_SECONDS = "1"
#: After a 503 job-store-unavailable: long enough for a broker or database restart.
STORE_RETRY_AFTER_SECONDS = "5"


def _job_url(job_id: str) -> str:
    return f"/v1/prediction-jobs/{job_id}"


def _accepted(job: Job) -> Response:
    return json_response(job.to_api(), 202, {"Location": _job_url(job.id), "Retry-After": RETRY_AFTER_SECONDS})


def create_job(model_id: str, body: dict[str, Any], version: str | None) -> Response:
    entry = serving_entry(model_id, version)
    try:
        check_options(entry.definition, PredictOptions.from_body(body.get("options")))
    except CapabilityError as exc:
        raise capability_problem(exc) from exc
    svc = services()
    key = request._get_current_object().headers.get("idempotency-key")
    if key is not None:
        try:
            original = svc.jobs.reserve_key(key, fingerprint(model_id, entry.version, body))
        except IdempotencyKeyReused as exc:
            raise ProblemError("idempotency-key-reused",
                               "this Idempotency-Key was used with a different request; use a new key") from exc
        except IdempotencyKeyInUse as exc:
            raise ProblemError("idempotency-key-in-use",
                               "a request with this Idempotency-Key is still being processed; retry shortly",
                               headers={"Retry-After": RETRY_AFTER_SECONDS}) from exc
        if original is not None:
            return _accepted(original)
    try:
        job = svc.jobs.create(model_id=model_id, model_version=entry.version, instances=body["instances"],
                              options=body.get("options") or {}, request_id=request_id(), idempotency_key=key)
    except BaseException:
        if key is not None:
            with contextlib.suppress(*svc.jobs.unavailable):  # a locked store keeps the key until it lapses
                svc.jobs.release_key(key)
        raise
    try:
        svc.dispatch.submit(job)
    except DispatchUnavailable as exc:
        svc.jobs.discard(job.id)  # and its Idempotency-Key: a retry with the same key starts afresh
        raise ProblemError("job-store-unavailable", "the job queue cannot take the job right now (its broker is "
                           "unreachable); nothing was accepted, retry after Retry-After",
                           headers={"Retry-After": STORE_RETRY_AFTER_SECONDS}) from exc
    return _accepted(job)


def create_iris_prediction_job(body: dict[str, Any], version: str | None = None) -> Response:
    return create_job("iris-classifier", body, version)


def create_wine_prediction_job(body: dict[str, Any], version: str | None = None) -> Response:
    return create_job("wine-classifier", body, version)


def create_breast_cancer_prediction_job(body: dict[str, Any], version: str | None = None) -> Response:
    return create_job("breast-cancer-classifier", body, version)


def create_diabetes_progression_prediction_job(body: dict[str, Any], version: str | None = None) -> Response:
    return create_job("diabetes-progression-regressor", body, version)


def create_digits_prediction_job(body: dict[str, Any], version: str | None = None) -> Response:
    return create_job("digits-classifier", body, version)


def _cursor(kind: str, filters: dict[str, Any], page_token: str | None) -> Any:
    if page_token is None:
        return None
    try:
        return services().tokens.decode(page_token, kind, filters)
    except InvalidPageToken as exc:
        raise ProblemError("invalid-page-token", str(exc),
                           errors=[{"parameter": "page_token", "in": "query", "detail": str(exc)}]) from exc


def _job(job_id: str) -> Job:
    job = services().jobs.get(job_id)
    if job is None:
        raise ProblemError("job-not-found", f"there is no prediction job {job_id!r}")
    return job


def list_prediction_jobs(limit: int = 20, page_token: str | None = None, model_id: str | None = None,
                         status: str | None = None) -> Response:
    filters = {"model_id": model_id, "status": status}
    cursor = _cursor("jobs", filters, page_token)
    after = None
    if cursor is not None:
        if not (isinstance(cursor, list) and len(cursor) == 2):
            raise ProblemError("invalid-page-token", "page_token is not a token this service issued")
        after = (float(cursor[0]), str(cursor[1]))
    jobs, last = services().jobs.list(limit=limit, model_id=model_id, status=status, after=after)
    token = services().tokens.encode("jobs", filters, list(last)) if last else None
    return json_response({"data": [j.to_api() for j in jobs], "next_page_token": token})


def get_prediction_job(job_id: str) -> Response:
    job = _job(job_id)
    headers = {} if job.terminal else {"Retry-After": RETRY_AFTER_SECONDS}
    return json_response(job.to_api(), 200, headers)


def get_prediction_job_results(job_id: str, limit: int = 20, page_token: str | None = None) -> Response:
    job = _job(job_id)
    if job.status != "succeeded":
        detail = (f"job is {job.status}; results exist only once it has succeeded" if not job.terminal
                  else f"job {job.status}; it has no results")
        raise ProblemError("job-not-finished", detail,
                           headers={} if job.terminal else {"Retry-After": RETRY_AFTER_SECONDS})
    if job.expired():
        raise ProblemError("job-results-expired", f"results of {job_id} expired at {job.to_api()['expires_at']}")
    start = _cursor("results", {"job_id": job_id}, page_token) or 0
    if not isinstance(start, int) or start < 0:
        raise ProblemError("invalid-page-token", "page_token is not a token this service issued")
    rows, next_index = services().jobs.results(job_id, start=start, limit=limit)
    token = services().tokens.encode("results", {"job_id": job_id}, next_index) if next_index is not None else None
    return json_response({
        "job_id": job.id, "model_id": job.model_id, "model_version": job.model_version,
        "data": [{"index": i, "prediction": p} for i, p in rows], "next_page_token": token,
    })


def cancel_prediction_job(job_id: str) -> Response:
    _job(job_id)
    job, changed = services().jobs.cancel(job_id)
    if not changed:
        assert job is not None
        raise ProblemError("job-already-finished", f"job {job_id} has already ended ({job.status})")
    assert job is not None
    return json_response(job.to_api())
