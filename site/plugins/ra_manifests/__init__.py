"""build/_data/catalog.json and activitystreams.json, exactly as docs/manifests.md says."""

from ra_manifests.writer import write_manifests

__all__ = ["register", "write_manifests"]


def register() -> None:
    """Nothing to connect: the driver calls write_manifests after assets are fingerprinted."""
