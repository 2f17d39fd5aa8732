"""zstd compression with a dictionary shared by every node.

A change is mostly field names, handling codes, schema and property names, country codes and
name parts that recur from record to record; a dictionary trained on such changes lets even a
batch of one record compress as well as a large one. Dictionaries are shipped with the code and
named in every batch header (`z`); a shipped dictionary is never changed, a new one gets a new
name, and a node reads every name it knows. `python -m pcms.federation.dictionary` trains one.
"""

from functools import cache
from pathlib import Path

import zstandard

DATA = Path(__file__).resolve().parent / "data"
CURRENT = "d1"
NONE = "none"
LEVEL = 12
MAX_PLAIN = 128 * 1024 * 1024


class CompressionError(ValueError):
    pass


@cache
def _dictionary(name: str) -> zstandard.ZstdCompressionDict | None:
    if name == NONE:
        return None
    path = DATA / f"changes-{name}.zdict"
    if not path.exists():
        raise CompressionError(f"unknown compression dictionary {name!r}")
    return zstandard.ZstdCompressionDict(path.read_bytes())


def current() -> str:
    return CURRENT if (DATA / f"changes-{CURRENT}.zdict").exists() else NONE


def compress(data: bytes, name: str | None = None) -> tuple[str, bytes]:
    name = name or current()
    compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=_dictionary(name),
                                          write_content_size=True, write_checksum=False)
    return name, compressor.compress(data)


def decompress(data: bytes, name: str) -> bytes:
    """The plain bytes, refusing more than MAX_PLAIN (a small input must not fill the disk)."""
    try:
        size = zstandard.frame_content_size(data)
    except zstandard.ZstdError:
        raise CompressionError("not a zstd frame") from None
    if size < 0 or size > MAX_PLAIN:
        raise CompressionError("compressed data of unknown or excessive size")
    try:
        return zstandard.ZstdDecompressor(dict_data=_dictionary(name)).decompress(data)
    except zstandard.ZstdError as error:
        raise CompressionError(f"corrupt compressed data: {error}") from None
