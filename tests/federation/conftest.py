"""Fixtures for federation tests: this node (NE) with keys, and other nodes as key pairs.

A remote node here is its identity alone: the tests write the changes and batches it would
send, signed with its key, and hand them to this node through the same functions and endpoints
that a real peer reaches (the network suite runs real nodes).
"""

import uuid

import pytest
from django.conf import settings

from pcms.federation import crypto, keys, wire
from pcms.federation.keys import Identity
from pcms.federation.models import Peer
from tests.records.conftest import new_report, validated_report  # noqa: F401 - shared fixtures

BASE_REPORT = {
    "title": "Passage suspect au poste frontière", "narrative": "Deux véhicules de nuit.",
    "facts_date": "2026-10-02", "place": "Gao", "country": "ML", "region": None,
    "category": "terrorism", "agency": None, "reliability": "B", "credibility": "2",
    "version": 1, "validated_at": "2026-10-03T08:00:00+00:00",
}


@pytest.fixture
def node(db):
    """This node's identity (NE), created once in the test data folder."""
    keys.local_identity.cache_clear()
    try:
        identity = keys.local_identity()
    except keys.IdentityError:
        identity = keys.init("http://testserver")
    assert identity.code == settings.PCMS_NODE == "NE"
    yield identity
    keys.local_identity.cache_clear()


@pytest.fixture
def remote(node):
    """Register another node as a peer of this one and return its identity (with private keys)."""

    def make(code: str, url: str = "", via: str = "") -> Identity:
        identity = Identity.generate(code, url)
        Peer.objects.create(
            code=code, url=url, via=Peer.objects.get(code=via) if via else None,
            signing_key=crypto.b64(crypto.public_bytes(identity.signing)),
            box_key=crypto.b64(crypto.public_bytes(identity.box)))
        return identity

    return make


def handling(owner: str, dissemination: str = "all", recipients=(), status: str = "validated") -> dict:
    return {"owner": owner, "dissemination": dissemination, "recipients": sorted(recipients),
            "onward": False, "judicial": False, "hit_notice": True, "classification": 1,
            "status": status}


def report_payload(owner: str, reference: str, mentions=(), **fields) -> dict:
    return {**BASE_REPORT, "reference": reference, "handling": handling(owner),
            "mentions": [list(m) for m in mentions], **fields}


def person_payload(owner: str, report_id: str | None, name: str, mentions=(), **fields) -> dict:
    return {"schema": "Person", "properties": {"name": [name], "nationality": ["ml"]},
            "origin": report_id, "handling": handling(owner),
            "mentions": [list(m) for m in mentions], **fields}


def change(origin: Identity, record_type: str, record_id: str, payload: dict | None, *,
           version: int = 1, op: str = "create", audience=("NE", "RG"), targets=("NE",),
           change_id: str | None = None) -> wire.Frame:
    """A change as `origin` would write it, in a frame asking this node to serve `targets`."""
    body = wire.Change(change_id or str(uuid.uuid4()), origin.code, record_type, record_id,
                       version, op, tuple(audience), payload).encode()
    return wire.Frame(tuple(targets), body, origin.sign(body))


def batch(sender: Identity, frames, to: Identity | str = "NE", kind: str = "batch") -> bytes:
    recipient = to if isinstance(to, Identity) else keys.local_identity()
    return wire.seal_batch(sender, recipient.code, crypto.public_bytes(recipient.box), frames, kind)
