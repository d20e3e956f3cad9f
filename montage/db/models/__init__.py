"""ORM models. Importing this package registers every table on ``Base.metadata``."""

from montage.db.models.library_state import LibraryState
from montage.db.models.shot import Shot
from montage.db.models.shot_embedding import ShotEmbedding
from montage.db.models.source import Source

__all__ = ["LibraryState", "Shot", "ShotEmbedding", "Source"]
