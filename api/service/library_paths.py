"""Keep every path the API touches inside the configured library roots (``MONTAGE_LIBRARY_ROOTS``)."""

from __future__ import annotations

from pathlib import Path

from montage.errors import PathOutsideLibraryError


def resolved_roots(roots: list[Path]) -> list[Path]:
    """The library roots as absolute paths with symlinks resolved."""
    return [root.expanduser().resolve() for root in roots]


def inside_library(path: str | Path, roots: list[Path]) -> Path:
    """Resolve ``path`` (relative paths against the first root) and refuse it outside every root.

    Symlinks are resolved first, so a link inside a root that points outside it is refused too.
    """
    resolved = resolved_roots(roots)
    if not resolved:
        raise PathOutsideLibraryError("no library roots are configured (set MONTAGE_LIBRARY_ROOTS)")
    if "\x00" in str(path):
        raise PathOutsideLibraryError("a path cannot contain a NUL character")
    try:
        candidate = Path(path).expanduser()  # "~nobody" raises: no such user's home
        if not candidate.is_absolute():
            candidate = resolved[0] / candidate
        real = candidate.resolve()
    except (OSError, RuntimeError, ValueError, KeyError) as exc:  # unknown ~user, symlink loops, bad names
        raise PathOutsideLibraryError(f"{path!r} cannot be resolved: {exc}") from exc
    if not any(real == root or real.is_relative_to(root) for root in resolved):
        raise PathOutsideLibraryError(f"{path} is outside the library roots")
    return real
