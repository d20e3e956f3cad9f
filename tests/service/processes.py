"""Start and stop real service processes (`montage serve`, `montage worker`) for the tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
MONTAGE = [sys.executable, "-m", "api.cli"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(data_dir: Path, library_root: Path, **extra: str) -> dict[str, str]:
    """The environment of a service process: isolated data dir, one library root, fast heartbeats."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONTAGE_")}
    env.update(
        {
            "MONTAGE_DATA_DIR": str(data_dir),
            "MONTAGE_LIBRARY_ROOTS": json.dumps([str(library_root)]),
            "MONTAGE_INDEX__WORKERS": "1",
            "MONTAGE_SERVICE_HEARTBEAT_S": "0.5",
            "MONTAGE_SERVICE_STALE_AFTER_S": "4",
            "MONTAGE_SERVICE_SWEEP_EVERY_S": "0.5",
            "MONTAGE_SERVICE_LOG_JSON": "true",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def create_key(env: dict[str, str], *scopes: str, team: str | None = None) -> str:
    """Run `montage keys create` (in ``team``, if given) and return the printed key."""
    args = [*MONTAGE, "keys", "create", "--json", *(["--team", team] if team else [])]
    for scope in scopes:
        args += ["--scope", scope]
    done = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    key: str = json.loads(done.stdout)["key"]
    return key


@dataclass
class Proc:
    """A running service process and where its output goes."""

    popen: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL (no cleanup at all)."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not stop."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        """What the process logged."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start(args: list[str], env: dict[str, str], log: Path) -> Proc:
    """Start a montage subcommand with output to ``log``."""
    with log.open("ab") as handle:  # the child keeps its own copy of the descriptor
        popen = subprocess.Popen(
            [*MONTAGE, *args], env=env, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT
        )
    return Proc(popen, log)


def start_server(env: dict[str, str], port: int, log: Path) -> Proc:
    """`montage serve` on ``port``; returns once /healthz answers."""
    proc = start(["serve", "--host", "127.0.0.1", "--port", str(port)], env, log)
    wait_until(lambda: _healthy(port), timeout=90, proc=proc, what="the server to answer /healthz")
    return proc


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def wait_until(
    check: object,
    *,
    timeout: float,
    proc: Proc | None = None,
    what: str = "a condition",
    every_s: float = 0.2,
) -> None:
    """Poll ``check()`` every ``every_s`` until true; fail with the process output on timeout or if the
    process died."""
    assert callable(check)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and proc.popen.poll() is not None:
            raise AssertionError(
                f"process exited ({proc.popen.returncode}) waiting for {what}:\n{proc.output()[-4000:]}"
            )
        time.sleep(every_s)
    tail = proc.output()[-4000:] if proc is not None else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{tail}")


def wait_for_job(
    base: str, job_id: str, *, key: str, timeout: float, procs: Sequence[Proc] = ()
) -> dict[str, Any]:
    """Poll a job (reading with API key ``key``) until it ends; returns its final state."""
    deadline = time.monotonic() + timeout
    job: dict[str, Any] = {}
    headers = {"Authorization": f"Bearer {key}"}
    while time.monotonic() < deadline:
        job = httpx.get(f"{base}/v1/jobs/{job_id}", headers=headers, timeout=10).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.3)
    logs = "\n".join(p.output()[-3000:] for p in procs)
    raise AssertionError(f"job {job_id} did not end in {timeout}s: {job}\n{logs}")
