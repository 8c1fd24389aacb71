"""Real scikit-learn models: catalogue, training, skops storage, prediction, per-process registry."""

from __future__ import annotations
