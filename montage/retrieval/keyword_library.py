"""The library-wide keyword index: BM25 statistics over every shot's text, built once per library version.

Search and make score keywords against the same index, so a shot's keyword part does not depend on which
other shots happened to be pooled for a query. The index is rebuilt when the set of shots changes (their
count or newest id), and kept per database for the life of the process.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from montage.db.models import Shot
from montage.retrieval.bm25 import KeywordIndex

_cache: dict[str, tuple[tuple[int, int], KeywordIndex]] = {}
_lock = threading.Lock()


def shot_document(title: str, text: str, tags: tuple[str, ...] | list[str]) -> str:
    """The text a shot is keyword-matched on: its source title, its own text and its source's tags."""
    return " ".join([title, text, " ".join(tags)])


def library_keyword_index(factory: sessionmaker[Session]) -> KeywordIndex:
    """The BM25 index over all shots of the library behind ``factory`` (cached until shots change)."""
    with factory() as session:
        key = str(session.get_bind().engine.url)
        version_row = session.execute(select(func.count(Shot.id), func.max(Shot.id))).one()
        version = (int(version_row[0] or 0), int(version_row[1] or 0))
        with _lock:
            cached = _cache.get(key)
            if cached is not None and cached[0] == version:
                return cached[1]
        shots = session.scalars(select(Shot).options(selectinload(Shot.source)))
        docs = {
            shot.id: shot_document(shot.source.title, shot.text, tuple(shot.source.tags or ()))
            for shot in shots
        }
    index = KeywordIndex.fit(docs)
    with _lock:
        _cache[key] = (version, index)
    return index
