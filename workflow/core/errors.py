"""Errors services raise; views turn them into messages or 403."""


class ServiceError(Exception):
    """The operation was refused; `problems` says why, in words for the user."""

    def __init__(self, *problems):
        self.problems = [str(p) for p in problems]
        super().__init__("; ".join(self.problems))


class PermissionDenied(Exception):
    """The actor may not do this. Views answer 403 and show nothing of the object."""
