"""ORM models. Importing this package registers every table on ``Base.metadata``."""

from montage.db.models.api_key import ApiKey
from montage.db.models.index_task import IndexRun, IndexTask
from montage.db.models.job import Job, VideoRevision
from montage.db.models.library_state import LibraryState
from montage.db.models.shot import Shot
from montage.db.models.shot_embedding import ShotEmbedding
from montage.db.models.source import Source

__all__ = [
    "ApiKey",
    "IndexRun",
    "IndexTask",
    "Job",
    "LibraryState",
    "Shot",
    "ShotEmbedding",
    "Source",
    "VideoRevision",
]
