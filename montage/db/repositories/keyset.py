"""Read a large query in batches by keyset pagination (``key > last ORDER BY key LIMIT n``).

Each batch is one short query that an index on the key serves directly, so a table of millions of rows is
walked without OFFSET scans and without holding more than one batch of rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVarTuple

from sqlalchemy import Row, Select
from sqlalchemy.orm import InstrumentedAttribute, Session

Columns = TypeVarTuple("Columns")


def keyset_batches(
    session: Session, query: Select[*Columns], key: InstrumentedAttribute[int], batch: int
) -> Iterator[Sequence[Row[*Columns]]]:
    """Yield the rows of ``query`` ``batch`` at a time in ascending ``key`` order.

    ``key`` must be unique among the rows, non-negative and one of the query's columns.
    """
    last = -1
    while True:
        rows = session.execute(query.where(key > last).order_by(key).limit(batch)).all()
        if not rows:
            return
        yield rows
        last = int(getattr(rows[-1], key.key))
