"""Every doctor report names the runtime endpoint (qualifier) the AWS checks examined whenever a runtime is targeted,
DEFAULT included. Before, the text report's target line said ``qualifier=DEFAULT`` while the Markdown context, the
JSON ``context`` and SARIF's ``properties.context`` left it out unless it was given or not DEFAULT (they printed
``Context.public()``). JUnit has no context. Real runs of a one-check playbook, rendered by the real renderers."""

from __future__ import annotations

import json

import pytest
from engine_support import book, make_registry

from tui.context import Context
from tui.engine.doctor import DoctorRun
from tui.engine.formats.sarif import render_sarif
from tui.engine.report import render_json, render_markdown, render_text

PLAYBOOK = """
id: target
title: Target
start: only
nodes:
  only: {kind: diagnosis, title: Nothing to check}
"""
RUNTIME = "mcp_server-AbCdEf1234"


def reports(context: Context) -> dict[str, object]:
    run = DoctorRun(book(PLAYBOOK), context, make_registry())
    text = render_text(run)
    return {
        "text": next((line for line in text.splitlines() if line.startswith("target: ")), ""),
        "markdown": render_markdown(run),
        "json": json.loads(render_json(run))["context"],
        "sarif": json.loads(render_sarif(run))["runs"][0]["properties"]["context"],
    }


@pytest.mark.parametrize(("given", "shown"), [(None, "DEFAULT"), ("prod", "prod")], ids=["default", "given"])
def test_every_format_names_the_qualifier_when_a_runtime_is_targeted(given: str | None, shown: str) -> None:
    seen = reports(Context(region="us-east-1", runtime=RUNTIME, qualifier=given))
    assert f"runtime={RUNTIME}, qualifier={shown}" in str(seen["text"])
    assert f"- qualifier: `{shown}`" in str(seen["markdown"])
    for machine in ("json", "sarif"):
        context = seen[machine]
        assert isinstance(context, dict)
        assert context["qualifier"] == shown, machine
        assert list(context)[:3] == ["region", "runtime", "qualifier"], machine  # next to the runtime it belongs to


def test_no_runtime_no_qualifier_in_any_format() -> None:
    seen = reports(Context(region="us-east-1"))
    assert "qualifier" not in str(seen["text"])
    assert "qualifier" not in str(seen["markdown"])
    assert "qualifier" not in seen["json"]  # type: ignore[operator]
    assert "qualifier" not in seen["sarif"]  # type: ignore[operator]
