"""Federation: bytes on the wire per shared person, catch-up over a weak link, loopback sync.

    python -m benchmarks.federation size [--data data]         # the demo nodes' outboxes
    python -m benchmarks.federation catchup [--records 10000] [--chunk-kb 256]  # 64 kbit/s, 2 % loss
    python -m benchmarks.federation throughput [--records 100000]

`size` reads the person changes that `make demo` wrote (run it first), seals them into batches
as sync does, and compares with the same people as followthemoney JSON. `catchup` and
`throughput` start two real nodes (tests/federation/netkit.py), fill one's outbox with
synthetic people addressed to the other, and time `pcms sync` until the other has applied them
all: through a proxy that holds each direction to 64 kbit/s and loses 2 % of 1460-byte
segments (each loss costs a 200 ms retransmission timeout and the segment again), or straight
on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

from .common import machine

HTTP_OVERHEAD = 700  # request line, signed headers and response headers of one exchange


def _django(data_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcms.settings")
    os.environ.setdefault("PCMS_DATA_DIR", data_dir)
    import django

    django.setup()


def size(data: Path) -> dict:
    _django(tempfile.mkdtemp())
    import zstandard

    from pcms.federation import wire
    from pcms.federation.keys import Identity

    sender, recipient = Identity.generate("ML"), Identity.generate("RG")
    from pcms.federation import crypto

    box = crypto.public_bytes(recipient.box)
    persons, ftm, ftm_zstd, everything = [], [], [], []
    for database in sorted(data.glob("*/pcms.sqlite3")):
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            node = database.parent.name
            rows = connection.execute(
                "SELECT record_id, body, signature FROM federation_outboxchange WHERE origin = ? "
                "ORDER BY id", (node,)).fetchall()
        latest = {}
        for record_id, body, signature in rows:
            change = wire.Change.decode(bytes(body))
            latest[(record_id, change.sealed_for)] = (record_id, body, signature, change)
        for record_id, body, signature, change in latest.values():
            frame = wire.Frame(tuple(change.audience), bytes(body), bytes(signature))
            everything.append(frame)
            if change.payload and change.payload.get("schema") == "Person":
                persons.append(frame)
                document = json.dumps({"id": record_id, "schema": "Person",
                                       "properties": change.payload["properties"]},
                                      ensure_ascii=False).encode()
                ftm.append(len(document))
                ftm_zstd.append(len(zstandard.ZstdCompressor(level=12).compress(document)))

    def wire_bytes(frames, per_batch):
        total = 0
        for start in range(0, len(frames), per_batch):
            sealed = wire.seal_batch(sender, "RG", box, frames[start:start + per_batch])
            total += len(sealed) + 2 * HTTP_OVERHEAD  # status request, then one upload
        return total

    single = [wire_bytes([frame], 1) for frame in persons[:200]]
    return {
        "persons": len(persons), "changes": len(everything),
        "person_batched": wire_bytes(persons, 2000) / len(persons),
        "person_alone": sum(single) / len(single),
        "change_batched": wire_bytes(everything, 2000) / len(everything),
        "ftm_json": sum(ftm) / len(ftm), "ftm_zstd": sum(ftm_zstd) / len(ftm_zstd),
    }


def fill(count: int, target: str = "RG", seed: int = 5) -> None:
    """Inside a node: `count` synthetic people, addressed to `target`, pending in the outbox."""
    from pcms.federation import wire
    from pcms.federation.keys import local_identity
    from pcms.federation.models import Delivery, OutboxChange, Peer
    from pcms.federation.records import entity_payload
    from pcms.matching.synthetic import generate_people

    identity, peer = local_identity(), Peer.objects.get(code=target)
    handling = {"owner": identity.code, "dissemination": "all", "recipients": [],
                "onward": False, "judicial": False, "hit_notice": True, "classification": 1,
                "status": "validated"}
    rows = []
    for person in generate_people(count, seed=seed):
        properties = {k: v for k, v in person.entity["properties"].items()
                      if k in ("name", "alias", "birthDate", "nationality", "gender", "idNumber")}
        change = wire.Change(str(uuid.uuid4()), identity.code, "records.entity",
                             str(uuid.uuid4()), 1, "create", (target,),
                             entity_payload("Person", properties, {}, None, handling, []))
        body = change.encode()
        rows.append(OutboxChange(change_id=change.change_id, origin=identity.code,
                                 record_type=change.record_type, record_id=change.record_id,
                                 version=1, op="create", audience=[target], body=body,
                                 signature=identity.sign(body)))
    OutboxChange.objects.bulk_create(rows, batch_size=2000)
    Delivery.objects.bulk_create([Delivery(change=row, peer=peer, targets=[target])
                                  for row in rows], batch_size=2000)


class Throttle:
    """A TCP proxy holding each direction to `rate` bytes/s, losing `loss` of its segments."""

    SEGMENT, RTO = 1460, 0.2

    def __init__(self, upstream: int, rate: float, loss: float) -> None:
        from tests.federation.netkit import free_port

        self.upstream, self.rate, self.loss, self.port = upstream, rate, loss, free_port()
        self.bytes = 0
        self.rng = random.Random(3)  # noqa: S311 - loss schedule
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(10)

    def _run(self, ready) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        ready.set()
        self.loop.run_forever()

    async def _handle(self, reader, writer) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer),
                             return_exceptions=True)
        writer.close()
        up_writer.close()

    async def _pipe(self, reader, writer) -> None:
        while data := await reader.read(self.SEGMENT):
            delay = len(data) / self.rate
            if self.rng.random() < self.loss:
                delay += self.RTO + len(data) / self.rate
            self.bytes += len(data)
            await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()


def transfer(records: int, rate: float = 0, chunk_kb: int = 256) -> dict:
    """Time the sync of `records` people from ML to RG, through a throttled link if `rate`,
    with uploads in chunks of `chunk_kb` (the production default unless told)."""
    from tests.federation.netkit import PCMS, Node, migrated_template

    class Chunked(Node):
        def env(self) -> dict[str, str]:
            return {**super().env(), "PCMS_FEDERATION_CHUNK_KB": str(chunk_kb)}

    base = Path(tempfile.mkdtemp(prefix="pcms-federation-bench-"))
    template = migrated_template(base / "template")
    sender, receiver = Chunked("ML", base, template, 1), Chunked("RG", base, template, 2)
    for node in (sender, receiver):
        node.proxy.faulty = False
    url, link = receiver.url, None
    if rate:
        link = Throttle(receiver.proxy.port, rate, 0.02)
        url = f"http://127.0.0.1:{link.port}"
    receiver.pcms("shell", "-c", f"from pcms.federation import peers; "
                                 f"peers.add('ML', {sender.key!r})")
    sender.pcms("shell", "-c", f"from pcms.federation import peers; "
                               f"peers.add('RG', {receiver.key!r}, url={url!r}); "
                               f"from benchmarks.federation import fill; fill({records})")
    receiver.start()
    started = time.monotonic()
    sync = subprocess.Popen([PCMS, "sync", "--every", "0.2"],  # noqa: S603 - our own command
                            env=sender.env(), cwd=sender.dir, stdout=subprocess.DEVNULL)
    applied = 0
    try:
        while applied < records:
            time.sleep(0.5)
            applied = receiver.query("SELECT COUNT(*) FROM federation_inboxentry "
                                     "WHERE outcome = 'applied'")[0][0]
        elapsed = time.monotonic() - started
    finally:
        sync.kill()
        receiver.stop()
        sender.stop()
    result = {"records": records, "chunk_kb": chunk_kb, "seconds": elapsed,
              "per_second": records / elapsed}
    if link is not None:
        result |= {"wire_bytes": link.bytes, "ideal_seconds": link.bytes / rate,
                   "ratio": elapsed / (link.bytes / rate)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("size", "catchup", "throughput"))
    parser.add_argument("--data", default="data", help="the demo's data folder (size)")
    parser.add_argument("--records", type=int, default=0)
    parser.add_argument("--chunk-kb", type=int, default=256,
                        help="upload chunk size (the network suite's nodes use 4)")
    options = parser.parse_args()
    print(json.dumps(machine()))
    if options.what == "size":
        result = size(Path(options.data))
    elif options.what == "catchup":
        result = transfer(options.records or 10_000, rate=64_000 / 8, chunk_kb=options.chunk_kb)
    else:
        result = transfer(options.records or 100_000, chunk_kb=options.chunk_kb)
    result["load_after"] = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}))


if __name__ == "__main__":
    main()
