"""pytest plugin: record every botocore call of the test run and hold it to the service model.

Registered from ``tests/conftest.py``. It hooks botocore's event system for every client any
test creates (production clients, the sandbox's seeding clients, test helpers alike):

* ``provide-client-params`` — the parameters as the caller gave them, before botocore's own
  serialisation; they are validated against the operation's input shape (botocore validates
  types and required members, but not enums or patterns);
* ``after-call`` — the parsed answer of a 2xx response, walked against the output shape:
  required members, types, enums, string patterns and lengths, list and number bounds.

A violation fails the test that made the call (``pytest.fail`` at teardown, with the
operation, the path in the message and what is wrong), because a response the model rejects is
a response real AWS would never send: code that works on it proves nothing. Known model bugs would
be waived by name in ``WAIVED`` with the reason; none is needed with botocore 1.44 (its runtime
ARN pattern is the real ``…:runtime/<name>-<10 alnum>``, unlike the older model research §0.8 read,
and holds moto's ``…:agent/<uuid>:<version>`` to account: the sandbox rewrites it).

``validate_output``/``validate_input`` are also used directly by tests that build
responses by hand (the SimulatePrincipalPolicy answers moto cannot give).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

WAIVED: dict[tuple[str, str], str] = {}
"""(service, shape name) → why its pattern is not enforced."""

_MAX_PROBLEMS = 20


@dataclass
class Call:
    service: str
    operation: str
    params: dict[str, Any] | None = None
    status: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class Recorder:
    calls: list[Call] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, text: str) -> None:
        """A test that sends an invalid request on purpose names it (a substring of the problem)."""
        with self.lock:
            self.allowed.append(text)

    def record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)
            self.problems.extend(f"{call.service}:{call.operation}: {p}" for p in call.problems)

    def take_problems(self) -> list[str]:
        with self.lock:
            out, self.problems = self.problems, []
            allowed, self.allowed = self.allowed, []
            return [p for p in out if not any(a in p for a in allowed)]

    def operations(self) -> Counter[tuple[str, str]]:
        with self.lock:
            return Counter((c.service, c.operation) for c in self.calls)


RECORDER = Recorder()


# ---------------------------------------------------------------------------- model walking


@dataclass
class _Walk:
    service: str
    problems: list[str] = field(default_factory=list)
    check_required: bool = True

    def bad(self, path: str, what: str) -> None:
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(f"{path or '<top>'}: {what}")

    def walk(self, shape: Any, value: Any, path: str) -> None:
        kind = shape.type_name
        if value is None:
            return
        if kind == "structure":
            if not isinstance(value, dict):
                return self.bad(path, f"expected a structure, got {type(value).__name__}")
            if self.check_required:
                for name in shape.required_members:
                    if name not in value:
                        self.bad(f"{path}.{name}".lstrip("."), "required member missing")
            for name, item in value.items():
                if name == "ResponseMetadata" and not path:
                    continue
                member = shape.members.get(name)
                if member is None:
                    self.bad(f"{path}.{name}".lstrip("."), "not a member of the model")
                    continue
                self.walk(member, item, f"{path}.{name}".lstrip("."))
        elif kind == "list":
            if not isinstance(value, list):
                return self.bad(path, f"expected a list, got {type(value).__name__}")
            self._bounds(shape, len(value), path, "items")
            for i, item in enumerate(value):
                self.walk(shape.member, item, f"{path}[{i}]")
        elif kind == "map":
            if not isinstance(value, dict):
                return self.bad(path, f"expected a map, got {type(value).__name__}")
            for k, v in value.items():
                self.walk(shape.key, k, f"{path}<key>")
                self.walk(shape.value, v, f"{path}[{k!r}]")
        elif kind == "string":
            if not isinstance(value, str):
                return self.bad(path, f"expected a string, got {type(value).__name__}")
            enum = shape.enum
            if enum and value not in enum:
                self.bad(path, f"{value!r} is not one of the model's values {sorted(enum)}")
            self._bounds(shape, len(value), path, "characters")
            pattern = shape.metadata.get("pattern")
            if pattern and (self.service, shape.name) not in WAIVED:
                try:
                    rx = re.compile(pattern, re.DOTALL)
                except re.error:
                    rx = None  # Java-only syntax: nothing to hold the value to
                if rx is not None and rx.fullmatch(value) is None:
                    self.bad(path, f"{value[:80]!r} does not match the model pattern {pattern[:80]!r}")
        elif kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                return self.bad(path, f"expected an integer, got {type(value).__name__}")
            self._bounds(shape, value, path, "")
        elif kind == "boolean":
            if not isinstance(value, bool):
                self.bad(path, f"expected a boolean, got {type(value).__name__}")
        elif kind in ("float", "double"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.bad(path, f"expected a number, got {type(value).__name__}")
        # timestamps and blobs: botocore already converted them; nothing more to hold them to

    def _bounds(self, shape: Any, n: int, path: str, unit: str) -> None:
        lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
        if lo is not None and n < lo:
            self.bad(path, f"{n} {unit} is below the model's minimum {lo}".replace("  ", " "))
        if hi is not None and n > hi:
            self.bad(path, f"{n} {unit} is above the model's maximum {hi}".replace("  ", " "))


def validate_output(operation_model: Any, parsed: dict[str, Any]) -> list[str]:
    """Problems of a parsed 2xx answer against the operation's output shape (empty list: it holds)."""
    shape = operation_model.output_shape
    if shape is None:
        return []
    w = _Walk(operation_model.service_model.service_name)
    w.walk(shape, parsed, "")
    return w.problems


def validate_input(operation_model: Any, params: dict[str, Any]) -> list[str]:
    """Problems of call parameters against the operation's input shape (enums, patterns, bounds too)."""
    shape = operation_model.input_shape
    if shape is None:
        return [f"{k}: not a member of the model" for k in params]
    w = _Walk(operation_model.service_model.service_name)
    w.walk(shape, params, "")
    return w.problems


# ---------------------------------------------------------------------------- botocore hooks

_KEY = "aws_recorder_call"


def _on_params(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    """``provide-client-params``: what the caller passed, before botocore injects anything."""
    call = Call(model.service_model.service_name, model.name, dict(params))
    call.problems.extend(f"request {p}" for p in validate_input(model, params))
    context[_KEY] = call
    if call.problems:  # a call botocore refuses to send never reaches after-call: record it now
        RECORDER.record(call)
        context[_KEY] = None


def _on_after_call(http_response: Any, parsed: Any, model: Any, context: dict[str, Any], **_: Any) -> None:
    call = context.pop(_KEY, None) if isinstance(context, dict) else None
    call = call or Call(model.service_model.service_name, model.name)
    call.status = getattr(http_response, "status_code", None)
    if call.status is not None and 200 <= call.status < 300 and isinstance(parsed, dict):
        call.problems.extend(f"response {p}" for p in validate_output(model, parsed))
    RECORDER.record(call)


def _on_after_call_error(context: dict[str, Any], **_: Any) -> None:
    call = context.pop(_KEY, None) if isinstance(context, dict) else None
    if call is not None:
        RECORDER.record(call)


def _register(events: Any) -> None:
    events.register("provide-client-params.*.*", _on_params, unique_id="aws-recorder-params")
    events.register("after-call.*.*", _on_after_call, unique_id="aws-recorder-after-call")
    events.register("after-call-error.*.*", _on_after_call_error, unique_id="aws-recorder-after-call-error")


_installed = False


def install() -> None:
    """Hook every botocore session created from now on (boto3 default and explicit sessions alike)."""
    global _installed
    if _installed:
        return
    import botocore.session

    original_init = botocore.session.Session.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        _register(self.get_component("event_emitter"))

    botocore.session.Session.__init__ = init  # type: ignore[method-assign]
    _installed = True


# ---------------------------------------------------------------------------- pytest


def pytest_configure(config: pytest.Config) -> None:
    install()


@pytest.fixture(autouse=True)
def aws_call_recorder() -> Iterator[Recorder]:
    """Every AWS call of the test is validated against the model; a violation fails the test."""
    RECORDER.take_problems()
    yield RECORDER
    problems = RECORDER.take_problems()
    if problems:
        unique = list(dict.fromkeys(problems))
        pytest.fail(
            "AWS calls the botocore model rejects (real AWS would not send or accept these):\n  "
            + "\n  ".join(unique[:_MAX_PROBLEMS]),
            pytrace=False,
        )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    ops = RECORDER.operations()
    if ops:
        terminalreporter.write_line(
            f"aws_recorder: {sum(ops.values())} AWS calls, {len(ops)} operations validated against botocore models"
        )
