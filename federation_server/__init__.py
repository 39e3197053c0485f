"""Rose Ash federation server: publishes the static build to the fediverse over ActivityPub."""
