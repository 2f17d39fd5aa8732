"""Helpers shared by the benchmarks: machine description, memory, tables."""

from __future__ import annotations

import os
import platform
import resource


def machine() -> dict[str, str]:
    """CPU model, core count and memory of this machine."""
    cpu = "unknown"
    memory = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")),
                cpu,
            )
        with open("/proc/meminfo", encoding="utf-8") as f:
            memory = f"{int(f.readline().split()[1]) / 2**20:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "load": load_average(),
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: how busy the (shared) machine was."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def cpu_seconds() -> float:
    """CPU time used so far by this process (all threads) and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def server_cpu(connection) -> tuple[int, float]:
    """(process id, CPU seconds so far) of the PostgreSQL server process serving `connection`,
    read from /proc (the server runs on this machine); SQLite works inside this process."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return 0, 0.0
    pid = connection.connection.info.backend_pid
    with open(f"/proc/{pid}/schedstat", encoding="ascii") as stat:
        return pid, int(stat.read().split()[0]) / 1e9


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def markdown_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
