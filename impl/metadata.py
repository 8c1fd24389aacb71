"""The model catalogue as the API shows it: manifests (real training) joined with the contract.

Feature names, units, bounds and examples come from the contract's request schema for the model
(so the web team sees the same thing in both places); training ranges and metrics come from the
manifest written at training time, never from the spec.
"""

from __future__ import annotations

from typing import Any

from accord.openapi import deref
from impl.models.registry import ModelEntry

MAX_INSTANCES_SYNC = 100
MAX_INSTANCES_JOB = 10_000


def feature_schemas(document: dict[str, Any], model_id: str) -> dict[str, Any]:
    """`properties` of one instance in the model's predict request, each resolved; {} if absent."""
    op = deref(document, (document.get("paths") or {}).get(f"/v1/models/{model_id}/predict")) or {}
    body = deref(document, (op.get("post") or {}).get("requestBody")) or {}
    schema = deref(document, ((body.get("content") or {}).get("application/json") or {}).get("schema")) or {}
    instances = deref(document, (schema.get("properties") or {}).get("instances")) or {}
    item = deref(document, instances.get("items")) or {}
    return {name: deref(document, prop) for name, prop in (item.get("properties") or {}).items()}


def _feature(name: str, schema: dict[str, Any], entry: ModelEntry) -> dict[str, Any]:
    kind = schema.get("type", "number")
    feature: dict[str, Any] = {"name": name, "type": kind if kind in ("number", "integer", "array") else "number",
                               "unit": schema.get("x-unit")}
    for key in ("description", "minimum", "maximum", "enum", "example"):
        if key in schema:
            feature[key] = schema[key]
    if schema.get("exclusiveMinimum"):
        feature["exclusive_minimum"] = True
    if "x-source-feature" in schema:
        feature["source_feature"] = schema["x-source-feature"]
    ranges = (entry.manifest or {}).get("training_ranges", {})
    if kind == "array":
        rows = schema.get("minItems")
        inner = schema.get("items") or {}
        feature["shape"] = [rows, inner.get("minItems")] if rows and inner.get("minItems") else None
        values = [v for r in ranges.values() for v in (r["min"], r["max"])]
        feature["training_range"] = {"min": min(values), "max": max(values)} if values else None
        leaf = inner.get("items") or {}
        for key in ("minimum", "maximum"):
            if key in leaf:
                feature[key] = leaf[key]
    else:
        feature["training_range"] = ranges.get(name)
    return feature


def summary(entry: ModelEntry) -> dict[str, Any]:
    return {
        "id": entry.definition.id,
        "title": entry.definition.title,
        "task": entry.definition.task,
        "default_version": entry.version,
        "status": "ready" if entry.ready else "unavailable",
    }


def model(document: dict[str, Any], entry: ModelEntry) -> dict[str, Any]:
    d = entry.definition
    manifest = entry.manifest or {}
    body = summary(entry)
    body["description"] = (f"scikit-learn pipeline ({d.algorithm}) trained on {d.dataset_source}."
                           + ("" if entry.ready else f" Not serving: {entry.error}"))
    body["dataset"] = manifest.get("dataset") or {"name": d.dataset_name, "source": d.dataset_source}
    schemas = feature_schemas(document, d.id)
    body["features"] = [_feature(name, schema, entry) for name, schema in schemas.items()]
    body["classes"] = manifest.get("classes") if d.task == "classification" else None
    body["positive_class"] = d.positive_class
    if d.task == "regression":
        body["target"] = {"name": "progression_score", "unit": d.output_unit,
                          "description": "Quantitative measure of disease progression one year after baseline."}
    body["capabilities"] = {
        "probabilities": d.task == "classification",
        "explanations": True,
        "max_instances_sync": MAX_INSTANCES_SYNC,
        "max_instances_job": MAX_INSTANCES_JOB,
    }
    body["metrics"] = manifest.get("metrics") or _unknown_metrics(d.task)
    return body


def _unknown_metrics(task: str) -> dict[str, Any]:
    # Only when even the manifest is unreadable: say so rather than invent figures.
    evaluation = {"method": "holdout", "n_test": 1}
    if task == "regression":
        return {"task": task, "evaluation": evaluation, "r2": 0.0, "rmse": 0.0, "mae": 0.0}
    return {"task": task, "evaluation": evaluation, "accuracy": 0.0}


def version_summary(entry: ModelEntry) -> dict[str, Any]:
    manifest = entry.manifest or {}
    return {
        "model_id": entry.definition.id,
        "version": entry.version,
        "created_at": manifest.get("created_at", "1970-01-01T00:00:00Z"),
        "status": "active",
        "is_default": True,
    }


def version(entry: ModelEntry) -> dict[str, Any]:
    manifest = entry.manifest or {}
    body = version_summary(entry)
    body["algorithm"] = manifest.get("algorithm", entry.definition.algorithm)
    body["library_versions"] = manifest.get("library_versions", {})
    body["training"] = {"n_train": manifest.get("n_train", 1), "random_state": manifest.get("random_state")}
    body["metrics"] = manifest.get("metrics") or _unknown_metrics(entry.definition.task)
    if "sha256" in manifest:
        body["artifact_sha256"] = manifest["sha256"]
    return body
