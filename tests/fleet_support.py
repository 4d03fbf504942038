"""The one-node playbook the fleet tests sweep with: one check node, then a diagnosis."""

from __future__ import annotations


def one_node_playbook(*checks: str) -> str:
    """A playbook whose only check node runs ``checks`` (each a flow-style invocation such as
    ``{check: runtime.discover, params: {runtime: "{runtime}"}}``)."""
    return f"""
id: fleet-test
title: Fleet test
start: look
nodes:
  look:
    kind: check
    title: Look
    checks: [{", ".join(checks)}]
    default: end
  end: {{kind: diagnosis, title: End}}
"""
