"""A node killed with SIGKILL in the middle of its work keeps nothing half written.

Real processes on a real data folder: the task worker is killed while it applies an import, and
`pcms matching rebuild` while it fills the match index. After a restart, the import is reported
failed and writes everything when retried; the index is made whole by the next rebuild, and the
audit trail still verifies. (The federation suite kills a node in the middle of a sync.)
"""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.federation.netkit import PCMS, ROOT, clean_env, migrated_template

pytestmark = pytest.mark.heavy
ROWS = 8000


class Node:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = clean_env(PCMS_DATA_DIR=str(folder), PCMS_NODE="NE", PCMS_SECRET_KEY="k" * 60)

    def step(self, *args: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "tests.assurance.nodework", *args],
                              env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([PCMS, *args], env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)

    def status(self, job: str) -> str:
        """Read straight from the database, as often as needed, without starting a process."""
        with sqlite3.connect(f"file:{self.folder / 'pcms.sqlite3'}?mode=ro", uri=True) as db:
            (status,) = db.execute("SELECT status FROM imports_importjob WHERE id = ?",
                                   [job.replace("-", "")]).fetchone()
        assert status != "done", "the import ended before the kill: give it more rows"
        return status

    def progress(self, job: str) -> int:
        path = self.folder / "media" / "imports" / job / "progress.json"
        try:
            return json.loads(path.read_text())["done"]
        except (OSError, ValueError):
            return 0

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([PCMS, *args], env=self.env, cwd=ROOT, capture_output=True, text=True,
                              timeout=600)


def wait_for(check, what: str, timeout: float = 300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"waited {timeout:.0f} s for {what}")


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> Node:
    return Node(migrated_template(tmp_path_factory.mktemp("node")))


def test_import_killed_while_applying_writes_nothing_and_is_reported_failed(node):
    job = node.step("prepare_import", str(ROWS))["job"]
    worker = node.start("run_huey", "--workers", "1")
    try:
        wait_for(lambda: node.status(job) == "running" and node.progress(job) > 0,
                 "the worker to be writing the import")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    killed = node.step("job_state", job)
    assert killed["status"] == "running", f"the import ended before the kill: {killed}"
    assert killed["entities"] == killed["mentions"] == 0  # nothing of a half-done import

    restarted = node.start("run_huey", "--workers", "1")
    try:
        failed = wait_for(lambda: (s := node.step("job_state", job))["status"] == "failed" and s,
                          "the restarted worker to report the interrupted import")
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=60)
    assert failed["message"] and failed["entities"] == 0
    again = node.step("retry", job)  # the user retries: everything is written, once
    assert again["status"] == "done" and again["entities"] == ROWS
    verified = node.run("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_matching_rebuild_killed_half_way_is_made_whole_by_the_next(node):
    before = node.step("matchable")
    assert before["entities"] >= ROWS, "the import test fills this node first"
    rebuild = node.start("matching", "rebuild")
    index = Path(node.env["PCMS_DATA_DIR"]) / "match-index"
    wait_for(lambda: index.exists(), "the rebuild to start writing the index")
    time.sleep(0.3)
    assert rebuild.poll() is None, "the rebuild ended before the kill: give it more records"
    rebuild.send_signal(signal.SIGKILL)
    rebuild.wait(timeout=30)
    node.step("matchable")  # a process opening the damaged index does not fail
    done = node.run("matching", "rebuild")
    assert done.returncode == 0, done.stderr[-2000:]
    after = node.step("matchable")
    assert after["indexed"] == after["entities"] == before["entities"]
