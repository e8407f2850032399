"""Strings packed in one UTF-8 buffer with their offsets: a read-only sequence of a million keys that
forked match workers can read without copying it.

A tuple of a million `str` objects would be shared with the workers page by page, but reading a key
writes its reference count, so each worker copied every page of keys it touched: about 150 MB per worker
at 1,000,000 registered identifiers (measured: a forked child reading every key of the full register's
index went from 1 to 154 MB of private memory). Here the keys are one `bytes` object and one numpy array
of offsets; reading key i decodes a fresh string from the buffer and writes to no shared page. The
packed form is also smaller: about 25 bytes a key instead of about 75.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np


class PackedStrings(Sequence[str]):
    """`packed[i]` is the i-th string given (decoded again from UTF-8 at each read); `len(packed)`,
    iteration and `in` as for a tuple. Immutable."""

    __slots__ = ("_data", "_offsets")

    def __init__(self, strings: Iterable[str]):
        strings = strings if isinstance(strings, (list, tuple)) else list(strings)
        try:  # the registry's matching keys are ASCII: one join, lengths from the strings themselves
            data = "".join(strings).encode("ascii")
            lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
        except UnicodeEncodeError:
            encoded = [s.encode("utf-8") for s in strings]
            data = b"".join(encoded)
            lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        offsets = np.zeros(len(strings) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        self._data = data
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        i = int(i)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"key {i} of {n}")
        start, stop = self._offsets[i:i + 2].tolist()
        return self._data[start:stop].decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        data, offsets = self._data, self._offsets.tolist()
        for start, stop in zip(offsets[:-1], offsets[1:], strict=True):
            yield data[start:stop].decode("utf-8")

    @property
    def nbytes(self) -> int:
        """Bytes held: the buffer and the offsets."""
        return len(self._data) + self._offsets.nbytes
