"""Names shared by the workspace modules (no imports, so plugins can load it early)."""

DATABASE_NAME = "farmwatch"
STATIC_MOUNT = "farmwatch-static"
OFFICER_ROLES = ("officer", "admin")
