"""AWS checks: identity and region, the runtime, its execution role, log groups, Transaction Search.

Importing this package registers every AWS check. No boto3 import at module
level anywhere below: checks import what they need inside their functions.
"""

from tui.checks.aws import iam, identity, logs, runtime, xray  # noqa: F401  (registration)
