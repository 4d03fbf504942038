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
    _pending: list[str] = field(default_factory=list)
    """Pieces of the current line while no line end has arrived (joined once, not per chunk)."""
    _pending_chars: int = 0
    _pending_cr: bool = False
    _data: list[str] = field(default_factory=list)
    _event: str = ""
    _id: str | None = None
    _retry: int | None = None
    _decoder: object = None
    _started: bool = False
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
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")  # one leading byte order mark is ignored (WHATWG stream grammar)
        # Split with str methods, not character by character: a hostile 100 MB line must cost C speed, not seconds
        # of Python per megabyte (the probe's body cap then ends it as "too large").
        if self._pending_cr and text.startswith("\n"):
            text = text[1:]  # the \n of a \r\n split across chunks
        self._pending_cr = False
        if "\r" not in text and "\n" not in text:
            self._pending.append(text)
            self._pending_chars += len(text)
            return []
        if text.endswith("\r"):
            self._pending_cr = True  # a following "\n" belongs to this line end
        parts = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        parts[0] = self._buffer + "".join(self._pending) + parts[0]
        self._pending, self._buffer, self._pending_chars = [], "", 0
        self._buffer = parts.pop()
        return parts

    @property
    def open_event_chars(self) -> int:
        """Characters of the event still being received (its data lines and the unfinished line)."""
        return len(self._buffer) + self._pending_chars + sum(len(d) for d in self._data)

    def _line(self, line: str) -> SseEvent | None:
        if line == "":
            if not self._data:
                # WHATWG "dispatch the event": an empty data buffer dispatches nothing, whatever ``event:`` said
                # (``event: error`` alone, or ``id:``/``retry:`` alone, only set state).
                self._event = ""
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
        if self._pending:
            self._buffer += "".join(self._pending)
            self._pending, self._pending_chars = [], 0
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
