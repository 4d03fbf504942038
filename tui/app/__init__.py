"""The Textual TUI: start screen, walk screen, fix modal, symptom search, export, audit log, help.

Nothing here imports boto3, botocore, mcp or httpx (directly or transitively) at
module level: the first frame must not wait for them. The engine and playbook
modules are imported lazily, after the first frame, where possible.
"""
