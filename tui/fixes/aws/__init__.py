"""AWS fixes: log groups, the execution role's inline policy, the X-Ray resource policy and trace destination.

Importing this package registers them. Every ``plan()`` is read-only and returns
the exact API payloads, the undo calls and the permissions they need.
"""

from tui.fixes.aws import boundary, iam, logs, xray  # noqa: F401  (registration)
