"""The error every command raises for a problem the user can fix (kept apart from cli so that
`python -m farmwatch.cli` and imports of farmwatch.cli share one class)."""


class CommandError(Exception):
    """An error to show as one line, with the exit status to use."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status
