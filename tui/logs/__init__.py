"""CloudWatch logs as a first-class view: find a runtime's log groups, read them, classify each event by node.

``targets`` finds the groups (the runtime's own and the OTEL group(s) it writes to), ``reader`` streams
events out of them (server-side filtered, paginated to the end of the range), ``classify`` maps each event
to the playbook node that explains it and groups them, ``follow`` tails them live. ``command`` is the
``agentcore-triage logs`` CLI; ``logs.errors.recent`` and the TUI's Logs screen use the same pieces.
No boto3 import at module level anywhere here.
"""
