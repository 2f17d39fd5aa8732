"""Administering federation: identity, peers, and the status page."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pcms.federation.keys import Identity
from pcms.federation.models import Peer
from tests.conftest import sign_in


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_node_shows_the_key_peers_register(node):
    assert run("node", "show", "--key") == node.public_key + "\n"


def test_peer_add_and_list(node):
    key = Identity.generate("RG").public_key
    assert "peer RG registered" in run("peer", "add", "rg", "--key", key, "--url",
                                       "http://127.0.0.1:8000")
    run("peer", "add", "ML", "--key", Identity.generate("ML").public_key, "--via", "RG")
    listing = run("peer", "list")
    assert "http://127.0.0.1:8000" in listing and "via RG" in listing and "never" in listing
    assert Peer.objects.get(code="ML").via.code == "RG"


@pytest.mark.parametrize("args, message", [
    (("XX", "--key", "pcms1.abc"), "not a platform"),
    (("NE", "--key", "pcms1.abc"), "is this node"),
    (("ML", "--key", "ssh-ed25519 AAAA"), "invalid key"),
    (("ML", "--key", "pcms1.abc"), "invalid key"),
    (("ML", "--via", "RG", "--key", Identity.generate("ML").public_key), "must be registered"),
])
def test_peer_add_says_what_is_wrong(node, args, message):
    with pytest.raises(CommandError, match=message):
        run("peer", "add", *args)


def test_status_page_is_for_administrators(client, make_user, node):
    Peer.objects.create(code="RG", url="http://127.0.0.1:8000", signing_key="a", box_key="b",
                        bytes_sent=2048, errors=3, last_error="RG unreachable: refused")
    officer = make_user("officer-ne", "officer")
    sign_in(client, officer)
    assert client.get("/federation/").status_code == 403
    client.logout()
    sign_in(client, make_user("admin-ne", "administrator", agency_kind=None))
    page = client.get("/federation/").content.decode()
    assert node.public_key in page and "RG unreachable: refused" in page
    assert 'data-peer="RG"' in page


def test_node_on_its_own_syncs_nothing_and_needs_no_identity(db):
    """A node set up without federation runs the background worker: its minute's synchronisation
    does nothing rather than fail every minute for want of keys."""
    from pcms.federation import keys, tasks

    keys.local_identity.cache_clear()
    with pytest.raises(keys.IdentityError):
        keys.local_identity()
    tasks.sync_due.call_local()
    assert run("sync") == ""
