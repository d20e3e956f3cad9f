"""Error types shared by every part of montage.

Every error a user can cause carries a stable machine-readable ``code`` and a plain message, so the CLI,
the job report and the REST API can all show the same thing.
"""

from __future__ import annotations


class MontageError(Exception):
    """Base class: a failure with a stable code and a message meant for the user."""

    code: str = "montage_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_json(self) -> dict[str, str]:
        """Return the error as ``{"code": ..., "message": ...}``."""
        return {"code": self.code, "message": self.message}


class InputError(MontageError):
    """The user's input (article, option, path) cannot be used."""

    code = "invalid_input"


class MediaError(MontageError):
    """A media file could not be probed, decoded or written."""

    code = "media_error"

    def __init__(self, message: str, *, code: str | None = None, stderr_tail: str = "") -> None:
        super().__init__(message, code=code)
        self.stderr_tail = stderr_tail


class PathOutsideLibraryError(InputError):
    """A path points outside every configured library root."""

    code = "path_outside_library"


class ModelUnavailableError(MontageError):
    """A model (weights, checkpoint) is not present on this machine."""

    code = "model_unavailable"


class IndexMissingError(MontageError):
    """A vector index has not been built yet."""

    code = "index_missing"


class IndexMismatchError(MontageError):
    """A vector index was built with another model than the one asked to query it."""

    code = "index_mismatch"
