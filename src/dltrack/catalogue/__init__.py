"""The catalogue file: its schema, reading and writing it, its sync into the store."""
