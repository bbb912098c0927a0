"""The memory engine's domain errors: one small family, one shape.

Each carries a readable ``message`` and an ``extra`` dict (field errors, ids); the
API turns them into ``{"message": ..., "extra": {...}}`` with ``status``.
"""

from django.core.exceptions import ValidationError


class MemoryEngineError(Exception):
    status = 400

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class InvalidMemory(MemoryEngineError):
    """A memory's text or payload is not valid; ``extra["fields"]`` says where."""

    def __init__(self, fields: dict[str, list[str] | str], message: str | None = None):
        fields = {
            name: errors if isinstance(errors, list) else [errors]
            for name, errors in fields.items()
        }
        first = next(iter(fields.items()))
        super().__init__(
            message or f"Invalid {first[0]}: {first[1][0]}", extra={"fields": fields}
        )
        self.fields = fields


class InvalidTransition(MemoryEngineError):
    """The change does not apply to the memory in its current status."""

    status = 409


class LegalHoldActive(MemoryEngineError):
    """The subject is on legal hold: no erasure, no expiry."""

    status = 409


class SubjectErased(MemoryEngineError):
    """The subject was erased: it takes no new memory."""

    status = 410


class NotFound(MemoryEngineError):
    status = 404


def full_clean_or_raise(instance, exclude=None) -> None:
    """Run a model's ``full_clean``; raise ``InvalidMemory`` naming each bad field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidMemory(
            {
                name: [str(m) for m in messages]
                for name, messages in error.message_dict.items()
            }
        ) from error
