"""The scale-out mode: job ids travel through Dramatiq on Redis to ``montage worker`` processes.

The broker runs without Dramatiq's retry and time-limit middleware: retries, time and cancellation are the
job table's business (a message is only "run this id if it still needs running"). Workers announce
themselves with short-lived Redis keys so the API can say whether anyone is there to run jobs.
"""

from __future__ import annotations

from collections.abc import Callable

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker

from api.jobs.queue import WorkerPresence
from api.service.settings import ServiceSettings

ACTOR_NAME = "montage_run_job"
INDEX_ACTOR_NAME = "montage_index_file"
PRESENCE_PREFIX = "montage:workers:"


def make_broker(service: ServiceSettings) -> RedisBroker:
    """A Redis broker for the configured URL, with no middleware."""
    return RedisBroker(url=service.redis_url, middleware=[], namespace="montage")  # type: ignore[no-untyped-call]


def declare_run_job(
    broker: RedisBroker, service: ServiceSettings, run: Callable[[str], object]
) -> dramatiq.Actor[[str], object]:
    """Declare the one actor: it takes a job id and runs it."""

    def montage_run_job(job_id: str) -> None:
        run(job_id)

    return dramatiq.Actor(
        montage_run_job,
        broker=broker,
        actor_name=ACTOR_NAME,
        queue_name=service.queue_name,
        priority=0,
        options={},
    )


def index_queue_name(service: ServiceSettings) -> str:
    """The queue of per-file index tasks: beside the job queue, consumed by its own worker threads."""
    return f"{service.queue_name}-index"


def declare_index_file(
    broker: RedisBroker, service: ServiceSettings, run: Callable[[int], object]
) -> dramatiq.Actor[[int], object]:
    """Declare the per-file actor of a fanned-out re-index: it takes an index task id and runs it."""

    def montage_index_file(task_id: int) -> None:
        run(task_id)

    return dramatiq.Actor(
        montage_index_file,
        broker=broker,
        actor_name=INDEX_ACTOR_NAME,
        queue_name=index_queue_name(service),
        priority=0,
        options={},
    )


def presence_pattern(service: ServiceSettings) -> str:
    """The Redis key prefix of the workers serving this queue."""
    return f"{PRESENCE_PREFIX}{service.queue_name}:"


def _ignore(_id: object) -> None:
    """The producer side never runs jobs."""


class DramatiqQueue:
    """``JobQueue`` over Dramatiq; ``workers()`` counts live presence keys in Redis."""

    def __init__(
        self,
        service: ServiceSettings,
        run: Callable[[str], object] | None = None,
        run_index_task: Callable[[int], object] | None = None,
    ) -> None:
        """``run`` executes a job id and ``run_index_task`` an index task id (worker side); the API side
        leaves them None and only sends."""
        self._service = service
        self.broker = make_broker(service)
        self._actor = declare_run_job(self.broker, service, run or _ignore)
        self._index_actor = declare_index_file(self.broker, service, run_index_task or _ignore)
        self._redis = redis.Redis.from_url(service.redis_url, socket_timeout=3, socket_connect_timeout=3)

    def enqueue(self, job_id: str) -> None:
        """Send the job id to the workers."""
        self._actor.send(job_id)

    def enqueue_index_task(self, task_id: int) -> None:
        """Send an index task id to the workers' index threads."""
        self._index_actor.send(task_id)

    def index_backlog(self) -> int:
        """Index task messages in Redis, waiting or taken but not yet acknowledged."""
        return int(self.broker.do_qsize(index_queue_name(self._service)))

    def workers(self) -> WorkerPresence:
        """Workers whose presence key has not expired."""
        try:
            pattern = presence_pattern(self._service) + "*"
            count = sum(1 for _ in self._redis.scan_iter(match=pattern, count=100))
        except redis.RedisError as exc:
            return WorkerPresence(False, 0, f"Redis at {self._service.redis_url} unreachable: {exc}")
        if count == 0:
            return WorkerPresence(False, 0, "no `montage worker` process is running")
        return WorkerPresence(True, count, f"{count} `montage worker` process(es) alive")

    def index_workers(self) -> WorkerPresence:
        """Live workers that analyse re-index files (``--index-threads`` above 0)."""
        try:
            keys = list(self._redis.scan_iter(match=presence_pattern(self._service) + "*", count=100))
            values = self._redis.mget(keys) if keys else []
        except redis.RedisError as exc:
            return WorkerPresence(False, 0, f"Redis at {self._service.redis_url} unreachable: {exc}")
        threads = [_index_threads(value) for value in values if value is not None]
        count = sum(1 for n in threads if n > 0)
        if count == 0:
            detail = (
                "no `montage worker` process is running"
                if not threads
                else f"{len(threads)} `montage worker` process(es) alive, but all run with --index-threads 0"
            )
            return WorkerPresence(False, 0, detail)
        return WorkerPresence(True, count, f"{count} `montage worker` process(es) analyse re-index files")

    def close(self) -> None:
        """Close the connections."""
        self.broker.close()
        self._redis.close()


def _index_threads(value: bytes | str) -> int:
    """The index thread count a presence key holds (keys of older workers hold "1": counted as one)."""
    try:
        return int(value)
    except ValueError:
        return 0


class PresenceBeacon:
    """Keeps ``montage:workers:<queue>:<id>`` alive in Redis while a worker runs; its value is the worker's
    index thread count."""

    def __init__(self, service: ServiceSettings, worker_id: str) -> None:
        self._redis = redis.Redis.from_url(service.redis_url, socket_timeout=3, socket_connect_timeout=3)
        self._key = presence_pattern(service) + worker_id
        self._ttl_s = max(3, int(service.heartbeat_s * 3))
        self._value = str(service.index_threads)

    def beat(self) -> None:
        """Refresh the key."""
        self._redis.set(self._key, self._value, ex=self._ttl_s)

    def clear(self) -> None:
        """Remove the key (clean shutdown)."""
        self._redis.delete(self._key)
        self._redis.close()
