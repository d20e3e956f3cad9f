"""How responses look to one caller: media links signed, and server paths hidden unless it holds ``admin``."""

from __future__ import annotations

from typing import Any

from api.service.ownership import Access
from api.service.path_redaction import PathRedactor
from api.service.signed_urls import UrlSigner
from api.service.state import ServiceState


class Presenter:
    """A :class:`api.service.schemas.Presentation` for one caller."""

    def __init__(self, signer: UrlSigner, redactor: PathRedactor | None) -> None:
        self._signer = signer
        self._redactor = redactor

    def link(self, url: str) -> str:
        """``url`` signed, so a player or an image loads it without headers until it expires."""
        return self._signer.sign(url)

    def data(self, value: Any) -> Any:
        """``value`` with absolute server paths rewritten (unchanged for ``admin`` callers)."""
        return value if self._redactor is None else self._redactor.data(value)


def presenter_for(state: ServiceState, access: Access) -> Presenter:
    """The presenter of a caller with this access."""
    redactor = None if access.admin else PathRedactor(state.settings.library_roots)
    return Presenter(state.signer, redactor)
