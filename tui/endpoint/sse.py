"""A small, incremental Server-Sent Events parser (WHATWG rules; CRLF, CR and LF line ends)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SseEvent:
    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


@dataclass
class SseParser:
    """Feed bytes in any chunking; complete events come out of ``feed``.

    Line ends may be ``\\r\\n`` (what mcp's server sends), ``\\n`` or a lone ``\\r``,
    even split across chunks.
    """

    _buffer: str = ""
    _pending_cr: bool = False
    _data: list[str] = field(default_factory=list)
    _event: str = ""
    _id: str | None = None
    _retry: int | None = None
    _decoder: object = None
    comments: int = 0
    """Comment lines seen (``: ping`` keep-alives)."""

    def feed(self, chunk: bytes | str) -> list[SseEvent]:
        if isinstance(chunk, bytes):
            if self._decoder is None:
                import codecs

                self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            text = self._decoder.decode(chunk)  # type: ignore[attr-defined]
        else:
            text = chunk
        events: list[SseEvent] = []
        for ch_line in self._lines(text):
            event = self._line(ch_line)
            if event is not None:
                events.append(event)
        return events

    def _lines(self, text: str) -> list[str]:
        lines: list[str] = []
        buf = self._buffer
        i = 0
        if self._pending_cr and text.startswith("\n"):
            i = 1  # the \n of a \r\n split across chunks
        self._pending_cr = False
        n = len(text)
        while i < n:
            ch = text[i]
            if ch == "\r":
                lines.append(buf)
                buf = ""
                if i + 1 < n:
                    if text[i + 1] == "\n":
                        i += 1
                else:
                    self._pending_cr = True
            elif ch == "\n":
                lines.append(buf)
                buf = ""
            else:
                buf += ch
            i += 1
        self._buffer = buf
        return lines

    def _line(self, line: str) -> SseEvent | None:
        if line == "":
            if not self._data and not self._event:
                return None
            event = SseEvent(event=self._event or "message", data="\n".join(self._data), id=self._id, retry=self._retry)
            self._data, self._event, self._retry = [], "", None
            return event
        if line.startswith(":"):
            self.comments += 1
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def flush(self) -> list[SseEvent]:
        """End of stream: a final event without a blank line is dispatched only if it has data."""
        events = []
        if self._buffer:
            line, self._buffer = self._buffer, ""
            event = self._line(line)
            if event:
                events.append(event)
        if self._data:
            event = self._line("")
            if event:
                events.append(event)
        return events


def parse_sse(text: bytes | str) -> list[SseEvent]:
    """Parse a whole SSE body."""
    parser = SseParser()
    return parser.feed(text) + parser.flush()
