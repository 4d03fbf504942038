"""Undo ``Content-Encoding`` without ever producing more than a cap: a gzip bomb stops at the cap, not in memory.

HTTP clients inflate whole chunks at once (64 KB of gzip can be 64 MB of zeros); this inflater asks zlib for at
most the room left under the cap and stops there. Used by the raw prober and, through a response hook, by the
official client's HTTP connection.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from typing import Any

from tui.i18n import _


class Inflater:
    """One response body's decoder; ``error`` says why it stopped early (a damaged stream), else empty."""

    def __init__(self, wbits: int | None) -> None:
        self._zlib = zlib.decompressobj(wbits) if wbits is not None else None
        self._deflate_fallback = wbits == 15
        self.error = ""
        self.over_cap = False

    @classmethod
    def for_encoding(cls, encoding: str) -> Inflater | None:
        """A decoder for a ``Content-Encoding`` value; None for one that was not asked for (br, zstd, chains)."""
        value = encoding.strip().lower()
        if value in ("", "identity"):
            return cls(None)
        if value in ("gzip", "x-gzip"):
            return cls(16 + zlib.MAX_WBITS)
        if value == "deflate":
            return cls(zlib.MAX_WBITS)
        return None

    async def stream(self, raw: AsyncIterator[bytes] | Any, cap: int) -> AsyncIterator[bytes]:
        """Decoded chunks of ``raw``, at most ``cap`` + 1 bytes in all (the extra byte shows the cap was passed)."""
        produced = 0
        consumed = 0
        async for chunk in raw:
            consumed += len(chunk)
            if self._zlib is None:
                produced += len(chunk)
                yield chunk
                if produced > cap:
                    self.over_cap = True
                    return
                continue
            data = chunk
            while data:
                try:
                    piece = self._zlib.decompress(data, cap + 1 - produced)
                except zlib.error as exc:
                    if self._deflate_fallback and produced == 0:  # "deflate" sent raw, without the zlib header
                        self._zlib, self._deflate_fallback = zlib.decompressobj(-zlib.MAX_WBITS), False
                        continue
                    self.error = _("the compressed body is damaged ({error})").format(error=exc)
                    return
                produced += len(piece)
                if piece:
                    yield piece
                if produced > cap or consumed > cap:
                    self.over_cap = True
                    return
                data = self._zlib.unconsumed_tail
