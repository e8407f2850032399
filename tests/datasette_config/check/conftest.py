"""The public check is served beside the farmer pages: its tests use the farmer fixtures (two farmers,
items, a listing and matches; a Datasette; logins)."""

from tests.datasette_config.farmer.conftest import ds, farms, login  # noqa: F401
