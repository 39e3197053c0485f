"""ActivityPub vocabulary helpers: id minting, JSON-LD contexts, content negotiation."""
