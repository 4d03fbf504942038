"""The playbook format, as pydantic models (``agentcore-triage playbooks schema`` prints it).

A playbook is one YAML file::

    id: agentcore-mcp
    title: MCP server on AgentCore Runtime
    start: symptom
    nodes:
      symptom:            # question: choices, each with a goto
        kind: question
        choices: [{key: "1", label: "-32603 from every call", goto: logs}]
      logs:               # check: checks run concurrently, then `when` (first match wins) or `default`
        kind: check
        checks: [{check: logs.group.runtime, params: {log_group: "/aws/bedrock-agentcore/runtimes/{runtime.id}-DEFAULT"}}]
        when: [{check: logs.group.runtime, status: [fail], goto: no-log-group, because: "the log group is missing"}]
        default: healthy
        fixes: [{fix: logs.create_group, key: c, for: logs.group.runtime, verify: true}]
      no-log-group:       # diagnosis: a conclusion with severity and next steps
        kind: diagnosis
        severity: high
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tui.i18n import _
from tui.playbook.patterns import PatternError, check_pattern
from tui.playbook.patterns import fullmatch as patterns_fullmatch
from tui.playbook.signatures import Signature
from tui.results import Severity, Status

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
RESERVED_KEYS = frozenset({"q", "b", "n", "e", "r", "a", "/", "?"})
"""Keys the TUI uses itself; choices and fixes may not take them."""


class InputError(ValueError):
    """A playbook input that is unknown, missing or malformed (one line saying which and how to give it)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Input(_Strict):
    """A context value the playbook needs (asked for on the start screen)."""

    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    prompt: str
    required: bool = False
    default: Any = None
    pattern: str | None = None
    """Regular expression the value must match."""

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            check_pattern(value)  # PatternError is a ValueError: pydantic locates it
        return value


class Choice(_Strict):
    """One answer to a question."""

    key: str
    """Key that picks this answer in the TUI (a digit or letter)."""
    label: str
    goto: str
    because: str = ""
    """Why this answer leads there (shown in the walk's explanation)."""


class CheckInvocation(_Strict):
    """A check to run at a node, with its parameters (templates allowed)."""

    check: str
    alias: str | None = Field(default=None, alias="as", pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    """Name of this result at the node when the same check runs twice."""
    params: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.alias or self.check


class Condition(_Strict):
    """One branch of a check node: the first condition that holds picks ``goto``.

    Exactly one test: ``check`` + ``status``, ``any``, ``all`` or ``fact`` (+ ``equals``/``in``/``exists``).
    """

    check: str | None = None
    status: list[Status] | None = None
    any: list[Status] | None = None
    """Holds when any check at the node has one of these statuses."""
    all: list[Status] | None = None
    """Holds when every check at the node has one of these statuses."""
    fact: str | None = None
    equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    exists: bool | None = None
    goto: str
    because: str = ""

    @field_validator("status", "any", "all", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _exactly_one_test(self) -> Condition:
        tests = [self.check is not None, self.any is not None, self.all is not None, self.fact is not None]
        if sum(tests) != 1:
            raise ValueError("a condition needs exactly one of: check (with status), any, all, fact")
        if self.check is not None and not self.status:
            raise ValueError("'check' needs 'status' (one status or a list)")
        if self.fact is not None and self.equals is None and self.in_ is None and self.exists is None:
            raise ValueError("'fact' needs one of: equals, in, exists")
        return self

    def describe(self) -> str:
        """The condition in words, for the walk's explanation (in the chosen language; ids and values as they are)."""
        from tui.i18n import _

        if self.check is not None:
            return _("{check} is {statuses}").format(check=self.check, statuses="/".join(_statuses(self.status)))
        if self.any is not None:
            return _("a check is {statuses}").format(statuses="/".join(_statuses(self.any)))
        if self.all is not None:
            return _("every check is {statuses}").format(statuses="/".join(_statuses(self.all)))
        if self.exists is not None:
            return (_("{fact} is known") if self.exists else _("{fact} is not known")).format(fact=self.fact)
        if self.in_ is not None:
            return _("{fact} is one of {values}").format(fact=self.fact, values=self.in_)
        return f"{self.fact} = {self.equals!r}"


def _statuses(statuses: list[Status] | None) -> list[str]:
    """Status names as shown (``pass``, ``fail``… in the chosen language)."""
    from tui.i18n import _

    return [_(s.value) for s in statuses or []]


class FixRef(_Strict):
    """A one-key fix offered at a node."""

    fix: str
    key: str
    label: str | None = None
    for_: str | None = Field(default=None, alias="for")
    """Check (id or alias at this node) the fix remedies; it is offered when that check fails or warns."""
    params: dict[str, Any] = Field(default_factory=dict)
    verify: bool = True
    """Re-run this node's checks after the fix is applied."""


class SignatureSpec(_Strict):
    """A signature with options, e.g. ``{pattern: "Error in message router", noise: true}``."""

    pattern: str
    noise: bool = False
    """Known noise: still explained, but ranked below every actionable match."""


GUIDE_SECTION = r"^([0-9]+(\.[0-9]+)*|[a-z][a-z0-9-]*)$"


class _NodeBase(_Strict):
    title: str
    body: str = ""
    """Markdown shown with the node."""
    fixes: list[FixRef] = Field(default_factory=list)
    signatures: list[str | SignatureSpec] = Field(default_factory=list)
    """Regular expressions of error text this node explains (for symptom search and log scans); a string, or
    ``{pattern, noise: true}`` for known noise."""
    guide: str | list[str] | None = None
    """Section(s) of the troubleshooting guide this node answers (``"1.1"``, or a name such as ``uuid``)."""

    @field_validator("signatures")
    @classmethod
    def _signatures_compile(cls, values: list[str | SignatureSpec]) -> list[Signature]:
        out = []
        for value in values:
            sig = Signature(value.pattern, value.noise) if isinstance(value, SignatureSpec) else Signature(value)
            try:
                check_pattern(sig)  # RE2-compatible and linear: a hostile playbook cannot hang a match
            except PatternError as exc:
                raise ValueError(f"signature {str(sig)!r} {str(exc).removeprefix('pattern ')}") from None
            out.append(sig)
        return out

    @field_validator("guide")
    @classmethod
    def _guide_sections(cls, value: str | list[str] | None) -> str | list[str] | None:
        for section in [value] if isinstance(value, str) else value or []:
            if not re.fullmatch(GUIDE_SECTION, section):
                raise ValueError(f"guide section {section!r} is not a section number (1.1) or name (uuid)")
        return value

    @property
    def guide_sections(self) -> list[str]:
        """The guide sections this node answers, as a list."""
        return [self.guide] if isinstance(self.guide, str) else list(self.guide or [])


class QuestionNode(_NodeBase):
    kind: Literal["question"]
    choices: list[Choice] = Field(min_length=1)


class CheckNode(_NodeBase):
    kind: Literal["check"]
    checks: list[CheckInvocation] = Field(min_length=1)
    when: list[Condition] = Field(default_factory=list)
    default: str
    """Where to go when no condition holds."""

    def remedies(self, ref: FixRef) -> str:
        """Key of the check a fix remedies: its ``for``, else the node's first check."""
        return ref.for_ or self.checks[0].key


class DiagnosisNode(_NodeBase):
    kind: Literal["diagnosis"]
    severity: Severity = Severity.MEDIUM
    next_steps: list[str] = Field(default_factory=list)
    next: str | None = None
    """Optional node to continue with after this conclusion."""


Node = Annotated[QuestionNode | CheckNode | DiagnosisNode, Field(discriminator="kind")]


class Playbook(_Strict):
    """A decision tree for one kind of trouble."""

    id: str = Field(pattern=ID_PATTERN)
    title: str
    description: str = ""
    version: int = 1
    language: str = "en"
    inputs: list[Input] = Field(default_factory=list)
    start: str
    nodes: dict[str, Node] = Field(min_length=1)

    def values(self, context_values: dict[str, Any]) -> dict[str, Any]:
        """Template values: input defaults, overridden by the context (flags, env, answers on the start screen)."""
        defaults = {i.name: i.default for i in self.inputs if i.default is not None}
        return {**defaults, **context_values}

    def resolve_inputs(self, given: Iterable[str] = (), known: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The playbook's inputs: ``known`` values, ``NAME=VALUE`` pairs in ``given``, then declared defaults.

        Raises ``InputError`` (one line) for a pair that is not ``NAME=VALUE``, a name the playbook does not
        declare, a required input without a value, or a value that does not match its pattern.
        """
        values = dict(known or {})
        declared = [i.name for i in self.inputs]
        for pair in given:
            name, sep, value = pair.partition("=")
            if not sep:
                raise InputError(_("--input {pair}: use NAME=VALUE").format(pair=repr(pair)))
            if name not in declared:
                raise InputError(
                    _("--input {name}: playbook {playbook} has no such input (inputs: {inputs})").format(
                        name=name, playbook=self.id, inputs=", ".join(declared) or _("none")
                    )
                )
            values[name] = value
        for inp in self.inputs:
            if inp.name not in values and inp.default is not None:
                values[inp.name] = inp.default
            current = values.get(inp.name)
            if current is None and inp.required:
                raise InputError(
                    _("playbook input {name} is required: {prompt} (--input {flag})").format(
                        name=repr(inp.name), prompt=inp.prompt, flag=f"{inp.name}=VALUE"
                    )
                )
            if current is not None and inp.pattern and not patterns_fullmatch(inp.pattern, str(current)):
                raise InputError(
                    _("input {value} does not match {pattern}").format(
                        value=f"{inp.name}={current!r}", pattern=inp.pattern
                    )
                )
        return values

    def targets(self, node_id: str) -> list[tuple[str, str]]:
        """Outgoing edges of a node as ``(target, how)`` pairs."""
        node = self.nodes[node_id]
        if isinstance(node, QuestionNode):
            return [(c.goto, f"choice {c.key}") for c in node.choices]
        if isinstance(node, CheckNode):
            return [(c.goto, f"when {c.describe()}") for c in node.when] + [(node.default, "default")]
        return [(node.next, "next")] if node.next else []
