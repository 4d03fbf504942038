"""AWS fixes: log groups, the execution role's inline policy, the X-Ray resource policy and trace destination.

``tui.registry.load_all()`` finds every module here by package scan. Every ``plan()`` is read-only and
returns the exact API payloads, the undo calls and the permissions they need.
"""
