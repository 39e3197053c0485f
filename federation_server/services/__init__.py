"""Domain logic (actors, publishing, inbox processing) as plain async functions over a Context."""
