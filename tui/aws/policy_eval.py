"""A small, local IAM policy evaluator: enough to answer "may this role do X on Y?".

Used when ``iam:SimulatePrincipalPolicy`` is not available (no permission, or an
emulator without it). It follows the documented evaluation logic for identity
policies of one account:

* an explicit ``Deny`` wins over everything;
* otherwise an ``Allow`` is needed (implicit deny);
* ``Action``/``NotAction`` match case-insensitively with ``*`` and ``?``;
  ``Resource``/``NotResource`` match case-sensitively with ``*`` and ``?``;
* ``Principal``/``NotPrincipal`` are matched only when a principal is given
  (resource policies);
* conditions are evaluated only for the simple operators below *and* only for
  keys the caller supplies in ``context``. Everything else is **not evaluated**:
  the statement is reported in ``unevaluated`` and the outcome is uncertain
  (the checks turn that into ``warn``).

It returns which statement decided, so evidence can say "allowed by inline
policy AgentCorePolicy, statement #4".
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tui.i18n import N_, _

Decision = Literal["allowed", "explicitDeny", "implicitDeny"]

_STRING_OPS = {
    "StringEquals": ("eq", False, False),
    "StringNotEquals": ("eq", True, False),
    "StringEqualsIgnoreCase": ("eq", False, True),
    "StringNotEqualsIgnoreCase": ("eq", True, True),
    "StringLike": ("like", False, False),
    "StringNotLike": ("like", True, False),
    "ArnEquals": ("like", False, False),
    "ArnLike": ("like", False, False),
    "ArnNotEquals": ("like", True, False),
    "ArnNotLike": ("like", True, False),
}


@dataclass(frozen=True)
class PolicyDoc:
    """One policy document and where it comes from."""

    name: str
    document: Mapping[str, Any]
    kind: str = "inline"
    """``inline``, ``managed``, ``boundary`` or ``resource``."""
    arn: str | None = None

    @classmethod
    def parse(
        cls, name: str, document: str | Mapping[str, Any], kind: str = "inline", arn: str | None = None
    ) -> PolicyDoc:
        if isinstance(document, str):
            from urllib.parse import unquote

            text = document.strip()
            if not text.startswith("{"):
                text = unquote(text)
            parsed: Mapping[str, Any] = json.loads(text)
        else:
            parsed = document
        return cls(name=name, document=parsed, kind=kind, arn=arn)

    def statements(self) -> list[dict[str, Any]]:
        raw = self.document.get("Statement", [])
        if isinstance(raw, Mapping):
            raw = [raw]
        return [dict(s) for s in raw if isinstance(s, Mapping)]


_KIND_LABELS = {
    "inline": N_("inline policy {policy}"),
    "managed": N_("managed policy {policy}"),
    "boundary": N_("boundary policy {policy}"),
    "resource": N_("resource policy {policy}"),
    "group": N_("group policy {policy}"),
    "scp": N_("scp policy {policy}"),
    "trust": N_("trust policy"),  # a role has one; its name is "trust"
    "policy": N_("policy {policy}"),  # the simulator named no source type (tui/aws/roles.py: "none")
}
"""How a statement's policy is named, by the kind the evaluator and the simulator report."""
_OTHER_KIND_LABEL = N_("{kind} policy {policy}")
"""Any other kind (Babel does not see an ``N_()`` nested in the ``_()`` call that translates it)."""


def guard_rail(blocked_by: str) -> str:
    """``Evaluation.blocked_by`` (English, a fact playbooks branch on) in the current language."""
    if blocked_by.startswith("permissions boundary "):
        return _("permissions boundary {name}").format(name=blocked_by.removeprefix("permissions boundary "))
    if "service control policy" in blocked_by:
        return _("a service control policy of your organization")
    return blocked_by


@dataclass(frozen=True)
class StatementRef:
    """Points at one statement of one policy."""

    policy: str
    kind: str
    index: int
    sid: str | None
    effect: str
    position: tuple[int, int] | None = None
    """(line, column) where the statement starts, as the policy simulator reports it."""

    def label(self) -> str:
        policy = _(_KIND_LABELS.get(self.kind, _OTHER_KIND_LABEL)).format(kind=self.kind, policy=self.policy)
        if self.sid:
            text = _("{policy} statement {sid}").format(policy=policy, sid=repr(self.sid))
        elif self.index >= 0:
            text = _("{policy} statement #{number}").format(policy=policy, number=self.index + 1)
        elif self.position:
            text = _("{policy} statement at line {line}, column {column}").format(
                policy=policy, line=self.position[0], column=self.position[1]
            )
        else:
            text = policy  # the policy as a whole (a boundary that allows nothing for the action)
        return f"{text} ({self.effect})" if self.index >= 0 or self.sid or self.position else text

    def as_dict(self) -> dict[str, Any]:
        out = {"policy": self.policy, "kind": self.kind, "index": self.index, "sid": self.sid, "effect": self.effect}
        if self.position:
            out["position"] = {"line": self.position[0], "column": self.position[1]}
        return out


@dataclass
class Evaluation:
    """The outcome for one action on one resource."""

    action: str
    resource: str
    decision: Decision
    decided_by: StatementRef | None = None
    matched: list[StatementRef] = field(default_factory=list)
    unevaluated: list[tuple[StatementRef, dict[str, Any]]] = field(default_factory=list)
    """Statements whose conditions were not evaluated and could change the outcome."""
    blocked_by: str | None = None
    """Which guard rail refused what the identity policies allow (``permissions boundary NAME``,
    ``a service control policy``): an Allow added to the role cannot help then."""
    identity_allowed: bool = False
    """True when the role's own policies allow it (and something else blocks it)."""

    @property
    def allowed(self) -> bool:
        return self.decision == "allowed"

    @property
    def certain(self) -> bool:
        return not self.unevaluated

    def explain(self) -> str:
        """Why this decision, in the current language (policy names, Sids and conditions verbatim)."""
        if self.blocked_by:
            d = self.decided_by
            which = d.label() if d and d.kind == "boundary" and (d.index >= 0 or d.sid or d.position) else ""
            guard = guard_rail(self.blocked_by)
            if self.decision == "explicitDeny" and which:
                text = _("{guard} denies it ({statement}); an Allow on the role cannot help").format(
                    guard=guard, statement=which
                )
            else:
                text = _("{guard} does not allow it; an Allow on the role cannot help").format(guard=guard)
            return (
                _("the role's own policies allow it, but {reason}").format(reason=text)
                if self.identity_allowed
                else text
            )
        if self.decision == "explicitDeny":
            if self.decided_by:
                return _("denied by {statement}").format(statement=self.decided_by.label())
            return _("denied by an explicit Deny")
        if self.decision == "allowed":
            if self.decided_by:
                text = _("allowed by {statement}").format(statement=self.decided_by.label())
            else:
                text = _("allowed by an Allow")
            if self.unevaluated:
                text = _("{verdict}; a Deny with unevaluated conditions may still apply").format(verdict=text)
            return text
        if self.unevaluated:
            return _("no unconditional Allow; allowed only if these conditions hold: {conditions}").format(
                conditions="; ".join(
                    f"{ref.label()}: {json.dumps(cond, sort_keys=True, ensure_ascii=False)}"
                    for ref, cond in self.unevaluated
                )
            )
        return _("no statement allows it (implicit deny)")

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "resource": self.resource,
            "decision": self.decision,
            "certain": self.certain,
            "decided_by": self.decided_by.as_dict() if self.decided_by else None,
            "explanation": self.explain(),
            **({"blocked_by": self.blocked_by, "identity_allowed": self.identity_allowed} if self.blocked_by else {}),
            "unevaluated_conditions": [
                {"statement": ref.as_dict(), "condition": cond} for ref, cond in self.unevaluated
            ],
        }


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    out = []
    for ch in pattern:
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), 0 if case_sensitive else re.IGNORECASE | re.DOTALL)


def glob_match(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    """IAM wildcard match: ``*`` any run of characters (``:`` and ``/`` included), ``?`` one character."""
    return _glob(pattern, case_sensitive).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    return glob_match(pattern, action, case_sensitive=False)


_VARIABLE = re.compile(r"\$\{[^}]*\}")


def resource_matches(pattern: str, resource: str) -> tuple[bool, bool]:
    """(matches, certain): a pattern with ``${policy:variables}`` matches only uncertainly."""
    if pattern == "*":
        return True, True
    if "${" in pattern:
        loose = _VARIABLE.sub("*", pattern)
        return glob_match(loose, resource), False
    return glob_match(pattern, resource), True


def principal_matches(stmt: Mapping[str, Any], principal: Mapping[str, str] | None) -> bool | None:
    """Does a resource-policy statement apply to ``principal`` (``{"Service": "xray.amazonaws.com"}``)?

    None when only the service can tell: ``{"AWS": "*"}`` names every AWS account principal, and
    whether a service principal counts as one depends on the service (AWS documents it per service).
    """
    if principal is None:
        return True
    if "Principal" not in stmt and "NotPrincipal" not in stmt:
        return True  # identity-policy statement
    field_name = "Principal" if "Principal" in stmt else "NotPrincipal"
    value = stmt[field_name]
    hit: bool | None = False
    if value == "*":
        hit = True
    elif isinstance(value, Mapping):
        for ptype, pvalue in principal.items():
            for candidate in _as_list(value.get(ptype)):
                if candidate == "*" or glob_match(str(candidate), pvalue, case_sensitive=False):
                    hit = True
        if not hit and "Service" in principal and "*" in [str(c) for c in _as_list(value.get("AWS"))]:
            hit = None
    if hit is None:
        return None
    return hit if field_name == "Principal" else not hit


def _condition(cond: Mapping[str, Any], context: Mapping[str, Any]) -> bool | None:
    """True/False when every clause could be evaluated with ``context``; None otherwise."""
    verdicts: list[bool | None] = []
    for op, clauses in cond.items():
        if not isinstance(clauses, Mapping):
            return None
        base = op
        if_exists = base.endswith("IfExists")
        if if_exists:
            base = base[: -len("IfExists")]
        if ":" in base:  # ForAnyValue:/ForAllValues: set operators
            verdicts.append(None)
            continue
        for key, expected in clauses.items():
            actual = _lookup(context, key)
            if base == "Null":
                if actual is None:
                    verdicts.append(None)
                else:
                    want_null = str(_as_list(expected)[0]).lower() == "true"
                    verdicts.append(not want_null)
                continue
            if actual is None:
                verdicts.append(True if if_exists and key in context else None)
                continue
            if base == "Bool":
                verdicts.append(str(actual).lower() in {str(e).lower() for e in _as_list(expected)})
                continue
            spec = _STRING_OPS.get(base)
            if spec is None:
                verdicts.append(None)
                continue
            mode, negate, ignore_case = spec
            values = [str(v) for v in _as_list(actual)]
            expected_values = [str(e) for e in _as_list(expected)]
            if mode == "eq":
                if ignore_case:
                    hit = any(v.lower() == e.lower() for v in values for e in expected_values)
                else:
                    hit = any(v == e for v in values for e in expected_values)
            else:
                hit = any(glob_match(e, v) for v in values for e in expected_values)
            verdicts.append(not hit if negate else hit)
    if any(v is False for v in verdicts):
        return False
    if any(v is None for v in verdicts):
        return None
    return True


def failing_clauses(cond: Mapping[str, Any], context: Mapping[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """(operator, key, expected, actual) of each clause of a Condition block that ``context`` definitely fails."""
    out: list[tuple[str, str, Any, Any]] = []
    for op, clauses in cond.items():
        if not isinstance(clauses, Mapping):
            continue
        for key, expected in clauses.items():
            if _condition({op: {key: expected}}, context) is False:
                out.append((str(op), str(key), expected, _lookup(context, key)))
    return out


def _lookup(context: Mapping[str, Any], key: str) -> Any:
    for k, v in context.items():
        if k.lower() == key.lower():
            return v
    return None


def statement_applies(
    stmt: Mapping[str, Any],
    action: str,
    resource: str,
    *,
    context: Mapping[str, Any] | None = None,
    principal: Mapping[str, str] | None = None,
) -> bool | None:
    """True if the statement applies, False if not, None if only its conditions (not evaluated) decide."""
    who = principal_matches(stmt, principal)
    if who is False:
        return False
    if "Action" in stmt:
        if not any(action_matches(str(p), action) for p in _as_list(stmt["Action"])):
            return False
    elif "NotAction" in stmt:
        if any(action_matches(str(p), action) for p in _as_list(stmt["NotAction"])):
            return False
    else:
        return False
    certain = True
    if "Resource" in stmt:
        hits = [resource_matches(str(p), resource) for p in _as_list(stmt["Resource"])]
        if not any(m for m, _certain in hits):
            return False
        certain = any(m and c for m, c in hits)
    elif "NotResource" in stmt:
        hits = [resource_matches(str(p), resource) for p in _as_list(stmt["NotResource"])]
        if any(m and c for m, c in hits):
            return False
        certain = not any(m for m, _certain in hits)
    elif principal is None:
        return False  # an identity statement without Resource is invalid
    cond = stmt.get("Condition")
    verdict: bool | None = True
    if cond:
        verdict = _condition(cond, context or {}) if isinstance(cond, Mapping) else None
    if verdict is False:
        return False
    if verdict is None or not certain or who is None:
        return None
    return True


def evaluate(
    policies: Iterable[PolicyDoc],
    action: str,
    resource: str,
    *,
    context: Mapping[str, Any] | None = None,
    principal: Mapping[str, str] | None = None,
) -> Evaluation:
    """Evaluate ``action`` on ``resource`` against identity (or resource) policies of one principal."""
    definite_allow: list[StatementRef] = []
    definite_deny: list[StatementRef] = []
    maybe_allow: list[tuple[StatementRef, dict[str, Any]]] = []
    maybe_deny: list[tuple[StatementRef, dict[str, Any]]] = []
    for doc in policies:
        for i, stmt in enumerate(doc.statements()):
            effect = str(stmt.get("Effect", "")).capitalize()
            if effect not in ("Allow", "Deny"):
                continue
            applies = statement_applies(stmt, action, resource, context=context, principal=principal)
            if applies is False:
                continue
            ref = StatementRef(doc.name, doc.kind, i, stmt.get("Sid") or None, effect)
            cond = dict(stmt.get("Condition") or {}) or (
                {"principal": _("AWS: * (whether it covers a service principal depends on the service)")}
                if principal_matches(stmt, principal) is None
                else {"resource": _("uses policy variables")}
            )
            if effect == "Deny":
                (definite_deny.append(ref) if applies else maybe_deny.append((ref, cond)))
            else:
                (definite_allow.append(ref) if applies else maybe_allow.append((ref, cond)))
    matched = definite_deny + definite_allow + [r for r, _cond in maybe_deny + maybe_allow]
    if definite_deny:
        return Evaluation(action, resource, "explicitDeny", definite_deny[0], matched)
    if definite_allow:
        return Evaluation(action, resource, "allowed", definite_allow[0], matched, maybe_deny)
    return Evaluation(action, resource, "implicitDeny", None, matched, maybe_allow + maybe_deny if maybe_allow else [])


def evaluate_all(
    policies: Sequence[PolicyDoc],
    actions: Iterable[str],
    resource: str,
    *,
    context: Mapping[str, Any] | None = None,
    boundary: Sequence[PolicyDoc] = (),
) -> list[Evaluation]:
    """Evaluate several actions on one resource; a permissions boundary must allow too.

    When the boundary does not allow an action, the result names it (``blocked_by``) whatever
    the identity policies say: adding an Allow to the role cannot help then.
    """
    out = []
    for action in actions:
        ev = evaluate(policies, action, resource, context=context)
        if boundary and ev.decision != "explicitDeny":
            bev = evaluate(boundary, action, resource, context=context)
            if bev.decision != "allowed" and (bev.certain or bev.decision == "explicitDeny"):
                name = ", ".join(d.name for d in boundary)
                ev = Evaluation(
                    action,
                    resource,
                    "explicitDeny" if bev.decision == "explicitDeny" else "implicitDeny",
                    bev.decided_by
                    or StatementRef(name, "boundary", -1, None, "Deny"),  # no statement: the boundary is silent
                    ev.matched + bev.matched,
                    [],
                    blocked_by=f"permissions boundary {name}",
                    identity_allowed=ev.decision == "allowed",
                )
            else:
                ev.unevaluated = ev.unevaluated + bev.unevaluated
        out.append(ev)
    return out


def near_misses(policies: Iterable[PolicyDoc], action: str) -> list[tuple[StatementRef, list[str]]]:
    """Allow statements that grant ``action`` but on other resources (to explain a wrong prefix)."""
    out = []
    for doc in policies:
        for i, stmt in enumerate(doc.statements()):
            if str(stmt.get("Effect", "")).capitalize() != "Allow" or "Action" not in stmt:
                continue
            if any(action_matches(str(p), action) for p in _as_list(stmt["Action"])):
                out.append(
                    (
                        StatementRef(doc.name, doc.kind, i, stmt.get("Sid") or None, "Allow"),
                        [str(r) for r in _as_list(stmt.get("Resource"))],
                    )
                )
    return out
