"""Durable prediction jobs: a store (SQLite, or PostgreSQL shared by replicas: `storage`) and their
execution (a worker thread in the process, or Celery workers through Redis: `dispatch`)."""

from __future__ import annotations
