"""AWS checks: identity and region, the runtime, its execution role, log groups, Transaction Search.

``tui.registry.load_all()`` finds every module here by package scan. No boto3 import at module
level anywhere below: checks import what they need inside their functions.
"""
