"""Durable prediction jobs: an SQLite store and an in-process worker that survives restarts."""

from __future__ import annotations
