"""Real nodes as processes, and a fault-injecting TCP proxy between them, for the network suite.

Each node has its own data folder and SQLite database (copied from one migrated template, so
that starting a node costs seconds), runs `pcms runserver` and a `pcms sync --every` loop, and
is reached by its peers only through its own proxy. The proxy, an asyncio server on loopback,
drops connections, delays them, sends requests twice, and cuts them after a random number of
bytes in either direction, until told to stop.
"""

import asyncio
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PCMS = str(Path(sys.executable).with_name("pcms"))


def clean_env(**values: str) -> dict[str, str]:
    """The environment of a node process: none of the test run's own settings, plus `values`."""
    inherited = {key: value for key, value in os.environ.items()
                 if not key.startswith(("PCMS_", "DJANGO_"))}
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**inherited, "PYTHONPATH": path, **values}


def migrated_template(folder: Path) -> Path:
    """Migrate one database that every node of the run starts from."""
    subprocess.run([PCMS, "migrate", "--no-input"], env=clean_env(PCMS_DATA_DIR=str(folder)),
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FaultProxy:
    """Forwards 127.0.0.1:port to the upstream port, with faults while `faulty` is set."""

    def __init__(self, upstream: int, seed: int) -> None:
        self.upstream, self.port = upstream, free_port()
        self.rng = random.Random(seed)  # noqa: S311 - fault schedule, not security
        self.faulty = True
        self.counts = {"drop": 0, "delay": 0, "duplicate": 0, "cut": 0, "clean": 0}
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self.ready.set()
        self.loop.run_forever()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    def _fault(self) -> str:
        if not self.faulty:
            return "clean"
        draw = self.rng.random()
        for name, share in (("drop", 0.1), ("cut", 0.3), ("duplicate", 0.45), ("delay", 0.65)):
            if draw < share:
                return name
        return "clean"

    async def _handle(self, client_reader, client_writer) -> None:
        fault = self._fault()
        self.counts[fault] += 1
        try:
            if fault == "drop":
                return
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1",
                                                                            self.upstream)
        except OSError:
            client_writer.close()
            return
        budget = [self.rng.randint(1, 12_000) if fault == "cut" else -1]
        delay = self.rng.uniform(0.02, 0.2) if fault == "delay" else 0
        request = bytearray()
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer, budget, delay, request),
            self._pipe(upstream_reader, client_writer, budget, delay, None),
            return_exceptions=True)
        for writer in (upstream_writer, client_writer):
            writer.close()
        if fault == "duplicate" and request:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.upstream)
                writer.write(bytes(request))
                await writer.drain()
                while await reader.read(65536):
                    pass
                writer.close()
            except OSError:
                pass

    @staticmethod
    async def _pipe(reader, writer, budget, delay, record) -> None:
        try:
            while data := await reader.read(8192):
                if delay:
                    await asyncio.sleep(delay)
                if budget[0] >= 0:
                    if len(data) >= budget[0]:
                        writer.write(data[:budget[0]])
                        await writer.drain()
                        budget[0] = 0
                        writer.transport.abort()
                        return
                    budget[0] -= len(data)
                if record is not None:
                    record.extend(data)
                writer.write(data)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
        except (OSError, RuntimeError):
            writer.transport.abort()


class Node:
    """One pcms node: data folder, keys, a server and a sync loop, reached through a proxy."""

    def __init__(self, code: str, base: Path, template: Path, seed: int) -> None:
        self.code, self.dir = code, base / code
        self.dir.mkdir(parents=True)
        for name in ("pcms.sqlite3", "secret_key"):
            shutil.copy(template / name, self.dir / name)
        self.port = free_port()
        self.proxy = FaultProxy(self.port, seed)
        self.url = f"http://127.0.0.1:{self.proxy.port}"
        self.processes: list[subprocess.Popen] = []
        shown = self.pcms("node", "init", "--url", self.url)
        self.key = next(line[4:] for line in shown.splitlines() if line.startswith("key "))

    def env(self) -> dict[str, str]:
        return clean_env(
            PCMS_NODE=self.code, PCMS_DATA_DIR=str(self.dir), PCMS_DEBUG="false",
            PCMS_HTTPS="false", PCMS_STATIC_MANIFEST="false", PCMS_LOG_LEVEL="WARNING",
            PCMS_ALLOWED_HOSTS="127.0.0.1,localhost", PCMS_FEDERATION_MAX_BACKOFF="2",
            PCMS_FEDERATION_CHUNK_KB="4")

    def pcms(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run([PCMS, *args], env=self.env(), cwd=ROOT, capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"{self.code}: pcms {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def play(self, *calls: str) -> list:
        """Run steps of tests/federation/scenario.py inside this node, in one process; the JSON
        each step printed, in order (None for a step that printed nothing)."""
        code = "; ".join(f"print('<step>'); scenario.{call}" for call in calls)
        out = self.pcms("shell", "-c", f"from tests.federation import scenario; {code}")
        steps = out.split("<step>\n")[1:]
        return [json.loads(step) if step.strip() else None for step in steps]

    def start(self) -> None:
        log = open(self.dir / "node.log", "ab")  # noqa: SIM115 - kept open by the process
        for args in (["runserver", "--noreload", f"127.0.0.1:{self.port}"],
                     ["sync", "--every", "0.5"]):
            self.processes.append(subprocess.Popen(
                [PCMS, *args], env=self.env(), cwd=ROOT, stdout=log, stderr=log,
                start_new_session=True))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.code} did not start; see {self.dir / 'node.log'}")

    def kill(self) -> None:
        """SIGKILL, as a power cut would: no cleanup, no goodbye."""
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        self.processes.clear()

    def stop(self) -> None:
        self.kill()
        self.proxy.stop()

    def query(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(f"file:{self.dir / 'pcms.sqlite3'}?mode=ro", uri=True,
                             timeout=30) as connection:
            return connection.execute(sql, params).fetchall()
