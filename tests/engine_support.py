"""Building blocks for engine tests: a registry of plain functions as checks, and a playbook from YAML text."""

from __future__ import annotations

from typing import Any

from tui.playbook.loader import parse_yaml
from tui.playbook.model import Playbook
from tui.registry import CheckParams, CheckSpec, Registry
from tui.results import Severity


class NameParams(CheckParams):
    name: str = ""


def make_registry(**funcs: Any) -> Registry:
    """``check_id=(func, publishes)``: ``a_b`` registers check ``a.b``."""
    reg = Registry()
    for check_id, (func, publishes) in funcs.items():
        reg.add_check(
            CheckSpec(check_id.replace("_", "."), check_id, Severity.MEDIUM, NameParams, func, publishes=publishes)
        )
    return reg


def book(text: str) -> Playbook:
    data, _ = parse_yaml(text, "<test>")
    return Playbook.model_validate(data)
