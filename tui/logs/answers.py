"""Decode the bulk answers of CloudWatch Logs (``FilterLogEvents`` pages, Insights rows) in one pass.

botocore turns a JSON answer into Python by walking the service model for every value: for a page of 10,000
events that is ~60,000 Python calls, more CPU than the rest of reading and classifying together (a plain
``filter_log_events`` loop spends most of its own time there). Here each output shape is compiled once into
comprehensions that give the same result: a structure keeps its modelled members that are not null (under
their model names), a list keeps its items, and values of the types botocore's JSON parser returns unchanged
(it has no ``_handle_<type>`` for them: strings, integers, booleans) are kept as they are. A structure whose
JSON object already is that (only members, none null, wire names equal to model names) is handed out as it is:
equal to botocore's dict, its keys in the JSON's order rather than the model's. Any other member
(a timestamp, a blob, a map, a union, a document) is left in the body for botocore to decode as usual.

It runs on botocore's ``before-parse`` event, the hook botocore itself uses to decode some members its own way
(``customized_response_dict`` is merged into the parsed answer). Only 2xx answers whose body is a JSON object
are touched; anything else (errors, odd bodies) goes to botocore unchanged, as does everything when a step
fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

BULK_OPERATIONS = ("FilterLogEvents", "GetQueryResults")
"""The calls that bring events back, page after page."""

_SAME = object()
"""A value botocore keeps as it is."""

Decoder = Callable[[Any], Any]
_plans: dict[tuple[str, str], list[tuple[str, str, Any]]] = {}
"""(service, operation) → the output members: (model name, wire name, decoder, ``_SAME`` or None for botocore)."""


def _kept_as_is(type_name: str) -> bool:
    from botocore.parsers import JSONParser

    return getattr(JSONParser, f"_handle_{type_name}", None) is None and type_name not in ("structure", "list", "map")


def _decoder(shape: Any) -> Any:
    """A function decoding a value of ``shape`` as botocore's JSON parser does, ``_SAME`` when it keeps the value,
    None when this module leaves the shape to botocore."""
    kind = shape.type_name
    if kind == "list":
        inner = _decoder(shape.member)
        if inner is None:
            return None
        if inner is _SAME:
            return list
        return lambda value: [None if item is None else inner(item) for item in value]
    if kind == "structure":
        if shape.is_document_type or getattr(shape, "is_tagged_union", False):
            return None
        members = []
        for name, member in shape.members.items():
            decode = _decoder(member)
            if decode is None:
                return None
            members.append((name, member.serialization.get("name", name), decode))
        if all(decode is _SAME for _, _, decode in members):
            names = [(name, wire) for name, wire, _ in members]
            if all(name == wire for name, wire in names):
                # the common case (every FilterLogEvents event): a value holding only members, none null, is the
                # answer as it is (JSON's key order, not the model's: equal all the same); no copy per event
                members_only = frozenset(wire for _, wire in names)
                return lambda value: (
                    value
                    if value.keys() <= members_only and None not in value.values()
                    else {name: v for name, wire in names if (v := value.get(wire)) is not None}
                )
            return lambda value: {name: v for name, wire in names if (v := value.get(wire)) is not None}

        def structure(value: Any) -> dict[str, Any]:
            out = {}
            for name, wire, decode in members:
                v = value.get(wire)
                if v is not None:
                    out[name] = v if decode is _SAME else decode(v)
            return out

        return structure
    return _SAME if _kept_as_is(kind) else None


def _plan(operation_model: Any) -> list[tuple[str, str, Any]]:
    key = (operation_model.service_model.service_name, operation_model.name)
    plan = _plans.get(key)
    if plan is None:
        shape = operation_model.output_shape
        members = shape.members.items() if shape is not None and shape.type_name == "structure" else ()
        plan = _plans[key] = [(name, m.serialization.get("name", name), _decoder(m)) for name, m in members]
    return plan


def decode_bulk_answer(
    operation_model: Any, response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    """``before-parse`` handler: decode the members it can into ``customized_response_dict`` and leave botocore
    only the rest of the body."""
    if not 200 <= response_dict.get("status_code", 0) < 300:
        return
    body = response_dict.get("body")
    if not isinstance(body, bytes) or not body:
        return
    try:
        document = json.loads(body.decode("utf-8"))  # as botocore reads it: UTF-8, then JSON
        if not isinstance(document, dict):
            return
        decoded: dict[str, Any] = {}
        rest: dict[str, Any] = {}
        for name, wire, decode in _plan(operation_model):
            value = document.get(wire)
            if value is None:
                continue
            if decode is None:
                rest[wire] = value
            else:
                decoded[name] = value if decode is _SAME else decode(value)
    except Exception:  # noqa: BLE001 - botocore decodes it (and reports what is wrong) as it always does
        return
    response_dict["body"] = json.dumps(rest).encode() if rest else b"{}"
    customized_response_dict.update(decoded)


def decode_bulk_answers(logs: Any) -> None:
    """Have the CloudWatch Logs client ``logs`` decode its bulk answers here (once per client; idempotent)."""
    events = getattr(getattr(logs, "meta", None), "events", None)
    if events is None:
        return
    service_id = logs.meta.service_model.service_id.hyphenize()
    for operation in BULK_OPERATIONS:
        events.register(
            f"before-parse.{service_id}.{operation}", decode_bulk_answer, unique_id=f"agentcore-triage-{operation}"
        )
