"""Declaring checks and fixes, and finding them by id.

A new check is one function plus its ``@check(...)`` registration::

    class LogGroupParams(CheckParams):
        log_group: str

    @check("logs.group.runtime", title="Runtime log group exists", severity=Severity.HIGH,
           params=LogGroupParams, publishes=("logs.runtime_group",))
    def runtime_log_group(ctx: CheckContext, params: LogGroupParams) -> CheckResult:
        ...

Sync check functions run in a worker thread (boto3 blocks); ``async def`` checks
run on the event loop (httpx). Check modules must not import boto3, mcp or httpx
at module level: the registry imports every check module to list them, and the
TUI's first frame must not wait for those imports.

A fix is a ``Fix`` subclass registered with ``@fixer``: ``plan()`` says exactly
what it will do (API calls with payloads, or a unified diff) and which
permissions it needs, and the undo actions that reverse it where possible; the engine executes exactly
that plan (``tui.engine.fixing``).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from tui.results import CheckResult, Risk, Severity

if TYPE_CHECKING:
    from tui.checks.base import CheckContext
    from tui.fixes.base import Fix


class CheckParams(BaseModel):
    """Base for a check's parameter model; unknown keys are playbook errors."""

    model_config = ConfigDict(extra="forbid")


class NoParams(CheckParams):
    """For checks that take no parameters."""


CheckFunc = Callable[["CheckContext", Any], CheckResult | Awaitable[CheckResult]]


@dataclass(frozen=True)
class CheckSpec:
    """A registered check."""

    id: str
    title: str
    severity: Severity
    params: type[CheckParams]
    func: CheckFunc
    remediation: str = ""
    publishes: tuple[str, ...] = ()
    """Fact names this check may publish (``runtime.role_arn``)."""
    tags: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    """What the check talks to: ``aws``, ``endpoint``, ``project``."""
    aws_actions: tuple[str, ...] = ()
    """The IAM actions it calls (reads only: the read-only guard refuses anything else). The checks' read policy
    (``Registry.read_policy``, ``docs/permissions.md``) is made of these; the test suite records every AWS call
    and fails on one not declared here."""

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.func)

    @property
    def description(self) -> str:
        return inspect.getdoc(self.func) or ""


@dataclass(frozen=True)
class FixSpec:
    """A registered fix."""

    id: str
    title: str
    risk: Risk
    params: type[CheckParams]
    cls: type[Fix]
    permissions: tuple[str, ...] = ()
    undoable: bool = False

    @property
    def description(self) -> str:
        return inspect.getdoc(self.cls) or ""


@dataclass
class Registry:
    """Checks and fixes by id."""

    checks: dict[str, CheckSpec] = field(default_factory=dict)
    fixes: dict[str, FixSpec] = field(default_factory=dict)

    def add_check(self, spec: CheckSpec) -> None:
        if spec.id in self.checks and self.checks[spec.id].func is not spec.func:
            raise ValueError(f"check id {spec.id!r} registered twice")
        self.checks[spec.id] = spec

    def add_fix(self, spec: FixSpec) -> None:
        if spec.id in self.fixes and self.fixes[spec.id].cls is not spec.cls:
            raise ValueError(f"fix id {spec.id!r} registered twice")
        self.fixes[spec.id] = spec

    def aws_actions(self) -> dict[str, tuple[str, ...]]:
        """Check id → the IAM actions it declares, for every check that talks to AWS."""
        return {cid: spec.aws_actions for cid, spec in sorted(self.checks.items()) if "aws" in spec.needs}

    def read_policy(self) -> dict[str, Any]:
        """The minimal identity policy for the checks: every declared action (what docs/permissions.md shows)."""
        from tui.aws.permissions import read_policy

        return read_policy(action for actions in self.aws_actions().values() for action in actions)


REGISTRY = Registry()

# Where checks and fixes live: every public module below these packages is imported by ``load_all``, so a
# new check module needs no list entry. Importing them must stay cheap (no boto3/mcp/httpx at module level);
# the import-hygiene test enforces it.
PLUGIN_PACKAGES = ("tui.checks", "tui.fixes")
NOT_PLUGINS = frozenset({"base", "audit", "undo"})
"""Modules there that hold contracts (``CheckContext``, ``Fix``) or the audit log, not checks or fixes."""
_loaded = False


def check(
    id: str,
    *,
    title: str,
    severity: Severity = Severity.MEDIUM,
    params: type[CheckParams] = NoParams,
    remediation: str = "",
    publishes: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
    aws_actions: tuple[str, ...] = (),
) -> Callable[[CheckFunc], CheckFunc]:
    """Register a check function under a stable dotted id.

    A check with ``needs=("aws",)`` declares the IAM actions it calls in ``aws_actions``.
    """
    if aws_actions and "aws" not in needs:
        raise ValueError(f"check {id!r} declares aws_actions but not needs=('aws',)")

    def decorator(func: CheckFunc) -> CheckFunc:
        REGISTRY.add_check(
            CheckSpec(
                id=id,
                title=title,
                severity=severity,
                params=params,
                func=func,
                remediation=remediation,
                publishes=tuple(publishes),
                tags=tuple(tags),
                needs=tuple(needs),
                aws_actions=tuple(aws_actions),
            )
        )
        return func

    return decorator


def fixer(
    id: str,
    *,
    title: str,
    risk: Risk,
    params: type[CheckParams] = NoParams,
    permissions: tuple[str, ...] = (),
    undoable: bool = False,
) -> Callable[[type[Fix]], type[Fix]]:
    """Register a ``Fix`` subclass under a stable dotted id."""

    def decorator(cls: type[Fix]) -> type[Fix]:
        cls.id = id
        REGISTRY.add_fix(
            FixSpec(
                id=id, title=title, risk=risk, params=params, cls=cls, permissions=tuple(permissions), undoable=undoable
            )
        )
        return cls

    return decorator


def plugin_modules() -> list[str]:
    """Every module that registers checks or fixes, found by package scan (``_private`` helpers skipped)."""
    names = []
    for package_name in PLUGIN_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            leaf = info.name.rsplit(".", 1)[-1]
            if not leaf.startswith("_") and leaf not in NOT_PLUGINS:
                names.append(info.name)
    return sorted(names)


def load_all() -> Registry:
    """Import every check and fix module once; return the registry."""
    global _loaded
    if not _loaded:
        for module in plugin_modules():
            importlib.import_module(module)
        _loaded = True
    return REGISTRY
