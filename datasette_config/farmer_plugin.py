"""Farmer self-service and the public buyer check (Datasette hooks; logic in plain modules)."""
