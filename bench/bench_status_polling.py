"""Status polling under load, and 50 jobs drained by 2 workers — with real processes.

Starts `montage serve` (Dramatiq producer) and two `montage worker` processes on a fresh PostgreSQL database
and the local Redis, indexes a tiny generated library, then measures with N concurrent HTTP clients:

* baseline: ``GET /healthz`` (no database work), measured in the same run on the same machine;
* idle: ``GET /v1/jobs/{id}`` while no job runs;
* busy: ``GET /v1/jobs/{id}`` while 50 queued jobs (re-index runs of the unchanged library) are drained by
  the 2 workers — and how long the drain takes, whether every job succeeded once.

Prints one JSON object. Client, server, workers, Redis and PostgreSQL share this machine's cores, so the
numbers are an upper bound of what the service itself costs.

    .venv/bin/python bench/bench_status_polling.py --clients 200 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from api.jobs import states  # noqa: E402
from api.jobs.dramatiq_queue import DramatiqQueue  # noqa: E402
from api.jobs.payloads import ReindexJobPayload  # noqa: E402
from api.jobs.repository import create_job  # noqa: E402
from api.service.settings import ServiceSettings  # noqa: E402
from montage.config import Settings  # noqa: E402
from montage.db.database import open_database  # noqa: E402
from montage.db.models import Job  # noqa: E402
from montage.db.session import transaction  # noqa: E402

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"
MONTAGE = [sys.executable, "-m", "api.cli"]
VIDEO_ARTICLE = (
    "Story {number}. Cars and buses crossed the busy city intersection all morning.\n\n"
    "Later, a chef chopped vegetables in the restaurant kitchen while the forest outside was quiet."
)
CLIPS = {
    "traffic.mp4": ("testsrc", "Cars and buses cross a busy city intersection."),
    "forest.mp4": ("mandelbrot", "A quiet pine forest with a river in the mist."),
    "kitchen.mp4": ("smptebars", "A chef chops vegetables in a restaurant kitchen."),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_library(root: Path) -> None:
    root.mkdir(parents=True)
    for name, (source, description) in CLIPS.items():
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-t", "3",
             "-i", f"{source}=size=320x180:rate=25",
             "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(root / name)],
            check=True,
        )  # fmt: skip
        (root / name).with_suffix(".json").write_text(json.dumps({"title": name, "description": description}))


def wait_for(check, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"timed out waiting for {what}")


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive HTTP/1.1 GET on an open connection; returns the status code (body read and dropped)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(
        (int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")), 0
    )
    if length:
        await reader.readexactly(length)
    return status


async def poll(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, float]:
    """``clients`` concurrent keep-alive connections, each GETting a random path back to back for ``seconds``.

    A minimal asyncio HTTP/1.1 client keeps the load generator's own CPU use small (it shares the cores).
    """
    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + seconds

    async def loop() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    if await asyncio.wait_for(_get(reader, writer, random.choice(paths)), 60) != 200:
                        errors += 1
                except (OSError, asyncio.IncompleteReadError, TimeoutError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                latencies.append(time.perf_counter() - started)
        finally:
            writer.close()

    began = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(clients)))
    elapsed = time.monotonic() - began
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2)

    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(1000 * latencies[-1], 2),
        "mean_ms": round(1000 * statistics.fmean(latencies), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument(
        "--job-kind",
        choices=("reindex", "video"),
        default="reindex",
        help="reindex: re-index runs of the unchanged library (quick); video: real videos via the API",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="montage-bench-"))
    db_name = f"montage_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'create database "{db_name}"'))
    db_url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{db_name}"
    library = tmp / "library"
    make_library(library)
    queue_name = f"montage-bench-{uuid.uuid4().hex[:6]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONTAGE_")}
    env.update(
        MONTAGE_DATA_DIR=str(tmp / "data"),
        MONTAGE_DATABASE_URL=db_url,
        MONTAGE_LIBRARY_ROOTS=json.dumps([str(library)]),
        MONTAGE_INDEX__WORKERS="1",
        MONTAGE_SERVICE_QUEUE="dramatiq",
        MONTAGE_SERVICE_REDIS_URL=REDIS_URL,
        MONTAGE_SERVICE_QUEUE_NAME=queue_name,
        MONTAGE_SERVICE_LOG_JSON="true",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    key = json.loads(
        subprocess.run([*MONTAGE, "keys", "create", "--scope", "admin", "--json"], env=env, cwd=REPO,
                       capture_output=True, text=True, check=True).stdout
    )["key"]  # fmt: skip
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = [open(tmp / name, "wb") for name in ("serve.log", "worker0.log", "worker1.log")]  # noqa: SIM115
    procs = [
        subprocess.Popen(
            [*MONTAGE, "serve", "--port", str(port)], env=env, cwd=REPO, stdout=logs[0], stderr=logs[0]
        )
    ]
    procs += [
        subprocess.Popen([*MONTAGE, "worker"], env=env, cwd=REPO, stdout=logs[i], stderr=logs[i])
        for i in (1, 2)
    ]
    try:
        wait_for(lambda: httpx.get(f"{base}/readyz", timeout=5).status_code == 200, 120, "readiness")
        first = httpx.post(f"{base}/v1/library/reindex", json={}, headers={"Authorization": f"Bearer {key}"})
        first_id = first.json()["id"]
        wait_for(
            lambda: httpx.get(f"{base}/v1/jobs/{first_id}").json()["status"] == "succeeded", 300, "indexing"
        )

        settings = Settings(data_dir=tmp / "data", database_url=db_url, library_roots=[library])
        service = ServiceSettings(queue="dramatiq", redis_url=REDIS_URL, queue_name=queue_name)
        db = open_database(settings, migrate=False)
        payload = ReindexJobPayload(paths=[str(library.resolve())]).model_dump()
        ids: list[str] = []
        if args.job_kind == "reindex":
            with transaction(db.sessions) as session:
                ids = [
                    create_job(session, states.REINDEX, payload, max_attempts=3).id for _ in range(args.jobs)
                ]
        job_paths = [f"/v1/jobs/{job_id}" for job_id in [first_id, *ids]]

        baseline = asyncio.run(poll(port, ["/healthz"], args.clients, args.seconds))
        idle = asyncio.run(poll(port, job_paths, args.clients, args.seconds))

        drain_started = time.monotonic()
        if args.job_kind == "reindex":
            queue = DramatiqQueue(service)
            for job_id in ids:
                queue.enqueue(job_id)
            queue.close()
        else:
            headers = {"Authorization": f"Bearer {key}"}
            for number in range(args.jobs):
                article = VIDEO_ARTICLE.format(number=number)
                ids.append(
                    httpx.post(f"{base}/v1/videos", json={"article": article}, headers=headers).json()["id"]
                )
            job_paths = [f"/v1/jobs/{job_id}" for job_id in [first_id, *ids]]
        busy = asyncio.run(poll(port, job_paths, args.clients, args.seconds))

        def drained() -> bool:
            with db.sessions() as session:
                statuses = session.scalars(select(Job.status).where(Job.id.in_(ids))).all()
            return all(status in states.TERMINAL for status in statuses)

        wait_for(drained, 600, "the jobs to drain")
        drain_s = time.monotonic() - drain_started
        with db.sessions() as session:
            jobs = session.scalars(select(Job).where(Job.id.in_(ids))).all()
            outcome = {
                "jobs": len(jobs),
                "succeeded": sum(job.status == states.SUCCEEDED for job in jobs),
                "attempts": sum(job.attempts for job in jobs),
                "workers_used": len({str(job.worker_id).split(":")[2] for job in jobs}),
                "drain_seconds": round(drain_s, 2),
                "jobs_per_second": round(len(jobs) / drain_s, 2),
            }
        db.engine.dispose()
        print(
            json.dumps(
                {
                    "benchmark": "status_polling",
                    "clients": args.clients,
                    "seconds_per_phase": args.seconds,
                    "cpu_cores": os.cpu_count(),
                    "database": "postgresql",
                    "queue": "dramatiq+redis, 2 workers",
                    "job_kind": args.job_kind,
                    "baseline_healthz": baseline,
                    "job_status_idle": idle,
                    "job_status_while_draining": busy,
                    "drain": outcome,
                },
                indent=2,
            )
        )
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        with admin.connect() as connection:
            connection.execute(text(f'drop database if exists "{db_name}" with (force)'))
        admin.dispose()


if __name__ == "__main__":
    main()
