"""The one exception services raise for a rule the user broke; views show its message."""


class DomainError(Exception):
    """A write refused for a reason the user can act on (message in Thai, optional field)."""

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class ConflictError(DomainError):
    """Somebody else saved the same object first."""


def thai_message(exc: Exception) -> str:
    """The Thai half of a pure rule module's bilingual error ("English / ไทย"), for the user."""
    text = str(exc)
    return text.split(" / ", 1)[1] if " / " in text else text
