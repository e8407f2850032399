"""The error every command raises for a problem the user can fix.

It lives at the bottom layer so that every package's commands (registry, spiders, matching,
datasette_config, farmwatch) raise the one class `farmwatch.cli` catches, without importing upwards."""


class CommandError(Exception):
    """An error to show as one line, with the exit status to use."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status
