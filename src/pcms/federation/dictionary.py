"""Train the zstd dictionary shared by every node, from synthetic changes.

`python -m pcms.federation.dictionary [NAME]` writes data/changes-NAME.zdict (default: the
current name). The samples are changes shaped exactly as nodes write them: entity changes for
synthetic people, vehicles and relations, and report changes, with random ids and the handling
codes in use. A shipped dictionary is never retrained under the same name: nodes must all read
what any of them writes.
"""

import os
import random
import sys
import uuid

import zstandard

SIZE = 32 * 1024
CODES = ("RG", "MR", "ML", "BF", "NE", "TD")


def samples(count: int = 6000, seed: int = 11) -> list[bytes]:
    from pcms.federation import wire
    from pcms.federation.records import entity_payload
    from pcms.matching.synthetic import generate_people

    rng = random.Random(seed)  # noqa: S311 - synthetic samples
    out = []
    for person in generate_people(count, seed=seed):
        owner = rng.choice(CODES[1:])
        dissemination = rng.choice(["all", "all", "regional", "named"])
        recipients = sorted(rng.sample([c for c in CODES[1:] if c != owner], 2)) \
            if dissemination == "named" else []
        handling = {"owner": owner, "dissemination": dissemination, "recipients": recipients,
                    "onward": rng.random() < 0.6, "judicial": rng.random() < 0.5,
                    "hit_notice": True, "classification": rng.choice([0, 1, 1, 2]),
                    "status": "validated"}
        report = str(uuid.UUID(int=rng.getrandbits(128)))
        properties = {k: v for k, v in person.entity["properties"].items()
                      if k in ("name", "alias", "birthDate", "nationality", "gender", "idNumber")}
        payload = entity_payload("Person", properties, {}, report, handling,
                                 [[report, rng.choice(["suspect", "victim", "witness"])]])
        audience = tuple(sorted({"all": set(CODES) - {owner}, "regional": {"RG"},
                                 "named": set(recipients)}[dissemination]))
        change = wire.Change(str(uuid.UUID(int=rng.getrandbits(128))), owner, "records.entity",
                             str(uuid.UUID(int=rng.getrandbits(128))), rng.randint(1, 3),
                             rng.choice(["create", "create", "update"]), audience, payload)
        out.append(change.encode())
    return out


def train(name: str) -> bytes:
    data = zstandard.train_dictionary(SIZE, samples(), level=12).as_bytes()
    from pcms.federation.compression import DATA

    (DATA / f"changes-{name}.zdict").write_bytes(data)
    return data


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcms.settings")
    import django

    django.setup()
    from pcms.federation.compression import CURRENT

    written = train(sys.argv[1] if len(sys.argv) > 1 else CURRENT)
    print(f"{len(written)} bytes")
