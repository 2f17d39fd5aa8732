"""Peer-to-peer HTTP requests, authenticated by the sending node's signature.

Every request carries the sender's code, the time, the SHA-256 of its body and an Ed25519
signature over method, path and query, sender, recipient, time and body digest. The receiver
refuses a request that is unsigned, signed by a key other than the registered peer's, addressed
to another node, or outside the clock window; each peer also has a request rate limit. Replaying
a signed request within the window achieves nothing: every federation operation is idempotent
(an upload at an offset already written is refused, an acknowledgement is applied once, and a
download is readable by the requesting peer's key only).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import HttpError

from pcms.federation import crypto
from pcms.federation.choices import Reason
from pcms.federation.keys import Identity
from pcms.federation.models import Peer

NODE, TO, TIME = "X-Pcms-Node", "X-Pcms-To", "X-Pcms-Time"
DIGEST, SIGNATURE = "X-Pcms-Content-Sha256", "X-Pcms-Signature"
EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()


def string_to_sign(method: str, path: str, sender: str, recipient: str, stamp: str,
                   digest: str) -> bytes:
    return "\n".join(("pcms-federation-v1", method.upper(), path, sender, recipient, stamp,
                      digest)).encode()


def sign_request(identity: Identity, recipient: str, method: str, path: str,
                 body: bytes = b"", digest: str | None = None) -> dict[str, str]:
    digest = digest or hashlib.sha256(body).hexdigest()
    stamp = str(int(time.time()))
    signature = identity.sign(string_to_sign(method, path, identity.code, recipient, stamp, digest))
    return {NODE: identity.code, TO: recipient, TIME: stamp, DIGEST: digest,
            SIGNATURE: crypto.b64(signature)}


def authenticate(request: HttpRequest) -> Peer:
    """The peer that signed this request; HttpError 401 (logged), 421 or 429 otherwise."""
    from pcms.federation.inbox import reject

    sender = request.headers.get(NODE, "")[:8]
    stamp, digest = request.headers.get(TIME, ""), request.headers.get(DIGEST, "")
    signature = request.headers.get(SIGNATURE, "")
    path = request.get_full_path()
    if not (sender and stamp.isdigit() and digest and signature):
        reject(Reason.UNSIGNED, f"unsigned request {request.method} {path[:200]}", sender)
        raise HttpError(401, "Federation requests must be signed by a registered peer.")
    peer = Peer.objects.filter(code=sender, is_active=True).first()
    if peer is None:
        reject(Reason.UNKNOWN_SENDER, f"request from unknown node {sender}")
        raise HttpError(401, "Federation requests must be signed by a registered peer.")
    recipient = request.headers.get(TO, "")
    try:
        crypto.verify(peer.public_keys[0], crypto.unb64(signature),
                      string_to_sign(request.method, path, sender, recipient, stamp, digest))
    except (crypto.CryptoError, ValueError):
        reject(Reason.UNSIGNED, f"wrong signature on {request.method} {path[:200]}", sender)
        raise HttpError(401, "Federation requests must be signed by a registered peer.") from None
    if recipient != settings.PCMS_NODE:
        reject(Reason.MISADDRESSED, f"request addressed to {recipient}", sender)
        raise HttpError(421, f"This node is {settings.PCMS_NODE}, not {recipient}.")
    if abs(time.time() - int(stamp)) > settings.FEDERATION_CLOCK_SKEW:
        reject(Reason.REPLAYED, f"request time {stamp} outside the clock window", sender)
        raise HttpError(401, "The request's time is too far from this node's clock.")
    key = f"federation-rate:{sender}:{int(time.time() // 60)}"
    cache.add(key, 0, 120)
    if cache.incr(key) > settings.FEDERATION_RATE_PER_MINUTE:
        raise HttpError(429, "Too many federation requests; retry later.")
    request.federation_digest = digest
    return peer


def check_body(request: HttpRequest, body: bytes) -> None:
    if hashlib.sha256(body).hexdigest() != request.federation_digest:
        raise HttpError(400, "The body does not match its signed digest.")
