"""Load test: 50 users doing an officer's day against one node served by gunicorn on loopback.

    python -m benchmarks.load [--database postgres://...] [--users 50] [--seconds 90]

The node gets the demo's accounts, reports, exchange and bulletins (not the training
programme, which these users do not open) and 50 accounts of its own (`load00`...), then runs
under gunicorn as in production (PCMS_DEBUG off; two-factor relaxed as in the demo, since locust
does not read an authenticator). Locust drives the users headless; the figures per page are
printed as a Markdown table, and the run fails if any request failed.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.common import load_average, machine, markdown_table
from benchmarks.node import fresh_postgres

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SEED = """
import os, django
django.setup()
from importlib import import_module
from django.contrib.auth.models import Group
from pcms.accounts.models import User
from pcms.reference.models import Platform, Purpose
for app in ("accounts", "records", "exchange", "analysis"):
    import_module(f"pcms.{app}.demo").load(open(os.devnull, "w"))
home = Platform.objects.get(code="NE")
roles = ["officer", "officer", "supervisor", "analyst"]
for number in range(50):
    user = User.objects.create_user(f"load{number:02d}", password="load-test-password-2026",
                                    platform=home, first_name="Charge", last_name=str(number))
    user.groups.add(Group.objects.get(name=roles[number % len(roles)]))
print(Purpose.objects.get(code="terrorism-investigation").pk)
"""


def node_env(data_dir: str, database: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PCMS_", "DJANGO_"))}
    env.update({"PCMS_DATA_DIR": data_dir, "PCMS_NODE": "NE", "PCMS_SECRET_KEY": "load-" + "k" * 60,
                "PCMS_ALLOWED_HOSTS": "127.0.0.1", "PCMS_HTTPS": "false", "PCMS_DEMO": "true",
                "DJANGO_SETTINGS_MODULE": "pcms.settings", "PYTHONPATH": str(ROOT)})
    if database:
        env["PCMS_DATABASE_URL"] = database
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the node did not answer at {url} within {timeout:.0f} s")


def table(stats: Path) -> tuple[str, int]:
    rows, failures = [], 0
    with open(stats, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            failures += int(row["Failure Count"]) if row["Name"] == "Aggregated" else 0
            page = row["Name"] if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
            rows.append((page, row["Request Count"], row["Failure Count"],
                         f"{float(row['Requests/s']):.1f}", row["50%"], row["95%"]))
    header = ("page", "requests", "failures", "requests/s", "median ms", "p95 ms")
    return markdown_table(rows, header), failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", help="postgres://... (default: SQLite in a temporary folder)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pcms-load-") as folder:
        if args.database:
            fresh_postgres(args.database)
        env = node_env(folder, args.database)
        for step in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
            subprocess.run([BIN / "pcms", *step, "-v0"], env=env, check=True)  # noqa: S603 - our own tools
        seeded = subprocess.run([sys.executable, "-c", SEED], env=env, check=True,  # noqa: S603 - our own tools
                                capture_output=True, text=True)
        subprocess.run([BIN / "pcms", "matching", "rebuild"], env=env, check=True,  # noqa: S603 - our own tools
                       capture_output=True)
        port = args.port or free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 - our own tools
            [BIN / "gunicorn", "pcms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
             str(args.workers), "--worker-class", "gthread", "--threads", "4", "--keep-alive",
             "30", "--timeout", "120", "--log-level", "warning"], env=env)
        try:
            wait_until_up(url)
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped: is port {port} taken?")
            prefix = Path(folder) / "locust"
            subprocess.run([BIN / "locust", "-f", str(Path(__file__).with_name("locustfile.py")),  # noqa: S603 - our own tools
                            "--headless", "--users", str(args.users), "--spawn-rate", "10",
                            "--run-time", f"{args.seconds}s", "--host", url, "--csv", str(prefix),
                            "--only-summary", "--stop-timeout", "5"],
                           env={**os.environ, "LOAD_PURPOSE": seeded.stdout.strip().splitlines()[-1]},
                           check=False)
            text, failures = table(Path(f"{prefix}_stats.csv"))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        if args.database:
            fresh_postgres(args.database, drop=True)
    about = machine()
    print(f"\n{'PostgreSQL' if args.database else 'SQLite'}, {args.users} users for {args.seconds} s, "
          f"gunicorn {args.workers} workers x 4 threads (gthread, keep-alive 30 s); "
          f"{about['cores']} cores, {about['memory']}, "
          f"{about['cpu']}, Python {about['python']}; load average after: {load_average()}\n")
    print(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
