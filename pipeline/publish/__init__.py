"""Researcher snapshots: ``publish_snapshot``, ``verify_snapshot``."""

from pipeline.publish.snapshot import publish_snapshot, verify_snapshot

__all__ = ["publish_snapshot", "verify_snapshot"]
