"""A walk through one playbook: current node, history (back/forward), answers, facts, results.

The walk is UI-independent: the TUI and ``agentcore-triage run`` drive the same object.
It records every step and why each branch was taken.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.context import Context
from tui.engine.events import Listener, ignore
from tui.engine.fixing import fix_key
from tui.engine.state import RunState, WalkError
from tui.i18n import N_, _
from tui.playbook.model import CheckNode, Choice, Condition, DiagnosisNode, FixRef, Playbook, QuestionNode
from tui.registry import FixSpec, Registry, load_all
from tui.results import CheckResult, Severity, Status

__all__ = ["OfferedFix", "Step", "Walk", "WalkError", "answer_reason", "decide", "evaluate", "parse_answers"]

CONTINUE_REASON = N_("continue after this diagnosis")
JUMP_REASON = N_("jumped there")


@dataclass
class Step:
    """One node left behind: how we left it and why."""

    node: str
    target: str
    reason: str
    answer: str | None = None
    facts_after: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OfferedFix:
    """A fix the current node offers, with the check result that motivates it."""

    ref: FixRef
    spec: FixSpec
    result: CheckResult | None


def parse_answers(playbook: Playbook, pairs: Iterable[str]) -> dict[str, str]:
    """``NODE=CHOICE`` pairs (``run --answer``), each naming a question node and one of its choices."""
    given: dict[str, str] = {}
    for pair in pairs:
        node_id, sep, choice = pair.partition("=")
        if not sep:
            raise WalkError(_("--answer {pair}: use NODE=CHOICE").format(pair=repr(pair)))
        node = playbook.nodes.get(node_id)
        if not isinstance(node, QuestionNode):
            raise WalkError(
                _("--answer {pair}: {node} is not a question node of {playbook}").format(
                    pair=repr(pair), node=repr(node_id), playbook=playbook.id
                )
            )
        keys = [c.key for c in node.choices]
        if choice not in keys:
            raise WalkError(
                _("--answer {pair}: choices at {node} are {choices}").format(
                    pair=repr(pair), node=node_id, choices=", ".join(keys)
                )
            )
        if given.get(node_id, choice) != choice:  # the later one silently won: a script contradicting itself
            raise WalkError(
                _("--answer {pair}: {node} is already answered {answer}; give one answer").format(
                    pair=repr(pair), node=node_id, answer=repr(given[node_id])
                )
            )
        given[node_id] = choice
    return given


def evaluate(cond: Condition, results: Mapping[str, CheckResult], facts: Mapping[str, Any]) -> bool:
    """Does a branch condition hold for these results and facts?"""
    if cond.check is not None:
        res = results.get(cond.check)
        return res is not None and res.status in (cond.status or [])
    if cond.any is not None:
        return any(r.status in cond.any for r in results.values())
    if cond.all is not None:
        return bool(results) and all(r.status in cond.all for r in results.values())
    value = facts.get(cond.fact or "")
    if cond.exists is not None:
        return (value is not None) == cond.exists
    if cond.in_ is not None:
        return value in cond.in_
    return bool(value == cond.equals)


def decide(node: CheckNode, results: Mapping[str, CheckResult], facts: Mapping[str, Any]) -> tuple[str, str]:
    """Pick the branch of a check node: first matching ``when``, else ``default``. Returns (target, reason)."""
    for cond in node.when:
        if evaluate(cond, results, facts):
            reason = cond.because or _("because {condition}").format(condition=cond.describe())
            if cond.check and cond.check in results:
                reason += f" ({results[cond.check].summary})"
            return cond.goto, reason
    return node.default, _("no condition matched") + _outcomes(results)


def _outcomes(results: Mapping[str, CheckResult]) -> str:
    """What the checks said, without over-claiming: "every check passed" only when every one did."""
    cannot = _("could not run")
    problems = [f"{k}: {cannot if r.could_not_run else r.status.value}" for k, r in results.items() if r.is_problem]
    if problems:
        return f" ({', '.join(problems)})"
    if all(r.status is Status.PASS for r in results.values()):
        return _("; every check passed")
    passed = sum(1 for r in results.values() if r.status is Status.PASS)
    skipped = [k for k, r in results.items() if r.status is Status.SKIP]
    return _("; {passed} passed, {count} did not apply ({checks})").format(
        passed=passed, count=len(skipped), checks=", ".join(skipped)
    )


def answer_reason(choice: Choice) -> str:
    """Why a question led where it did: the answer given (and the choice's reason), in the chosen language."""
    reason = _("you answered '{label}'").format(label=choice.label)
    return reason + (_(": {because}").format(because=choice.because) if choice.because else "")


class Walk(RunState):
    """Step-by-step state of one troubleshooting session."""

    def __init__(
        self,
        playbook: Playbook,
        context: Context,
        *,
        registry: Registry | None = None,
        timeout: float | None = None,
        listener: Listener = ignore,
    ) -> None:
        super().__init__(playbook, context, registry or load_all(), timeout, listener)
        self.current = playbook.start
        self.history: list[Step] = []
        self.forward_stack: list[Step] = []
        self.answers: dict[str, str] = {}

    # -- state -----------------------------------------------------------------
    @property
    def node(self) -> QuestionNode | CheckNode | DiagnosisNode:
        return self.playbook.nodes[self.current]

    @property
    def path(self) -> list[str]:
        """Nodes visited so far, ending with the current one."""
        return [s.node for s in self.history] + [self.current]

    def status_of(self, node_id: str) -> Status | None:
        """Worst status among a node's results (None if it has not run)."""
        results = self.results.get(node_id)
        if not results:
            return None
        order = [Status.ERROR, Status.FAIL, Status.WARN, Status.PASS, Status.SKIP]
        worst = min((r.status for r in results.values()), key=order.index)
        if worst in (Status.PASS, Status.SKIP) and any(r.could_not_run for r in results.values()):
            return Status.SKIP  # a check that could not run: never shown as a passed node
        return worst

    # -- running ----------------------------------------------------------------
    async def run_node(
        self, node_id: str | None = None, *, only: set[str] | None = None, cache: dict[str, CheckResult] | None = None
    ) -> dict[str, CheckResult]:
        """Run the checks of a check node (the current one by default); store results and facts.

        A fix of the node is offered again when the check it remedies ran now and still fails or warns (the
        state may have changed since the fix was applied or found to have nothing to do: an undo, someone
        else's change). A check that passes now confirms the fix, and one that did not run now (``only``)
        or could not run says nothing: the fix keeps its mark, at this node and at every diagnosis offering
        the same change (a re-run used to clear every mark of the node, so the diagnosis offered an applied
        fix again, whose plan then said "nothing to do").
        """
        node_id = node_id or self.current
        node = self.playbook.nodes[node_id]
        results = await super().run_node(node_id, only=only, cache=cache)
        if isinstance(node, CheckNode):
            self.settled -= self._disproved_fixes(node, results, only)
        return results

    def _disproved_fixes(self, node: CheckNode, results: Mapping[str, CheckResult], only: set[str] | None) -> set[str]:
        """Keys of the node's fixes whose remedied check ran in this run and still fails or warns."""
        values = self.values()
        disproved = set()
        for ref in node.fixes:
            key = node.remedies(ref)
            inv = next((inv for inv in node.checks if inv.key == key), None)
            ran_now = only is None or (inv is not None and (inv.check in only or inv.key in only))
            result = results.get(key)
            if ran_now and result is not None and result.status in (Status.FAIL, Status.WARN):
                disproved.add(fix_key(ref, values))
        return disproved

    def decision(self) -> tuple[str, str] | None:
        """Where a check node leads given its results (None until it has run)."""
        node = self.node
        if not isinstance(node, CheckNode) or self.current not in self.results:
            return None
        return decide(node, self.results[self.current], self.facts)

    # -- moving -----------------------------------------------------------------
    def _move(self, target: str, reason: str, answer: str | None = None) -> None:
        if target not in self.playbook.nodes:
            raise WalkError(_("unknown node {node}").format(node=repr(target)))
        self.history.append(Step(self.current, target, reason, answer, dict(self.facts)))
        self.forward_stack.clear()
        self.current = target

    def answer(self, key: str) -> str:
        """Answer the current question by choice key; returns the new node id."""
        node = self.node
        if not isinstance(node, QuestionNode):
            raise WalkError(_("{node} is not a question").format(node=self.current))
        for choice in node.choices:
            if choice.key == key:
                self.answers[self.current] = key
                self._move(choice.goto, answer_reason(choice), answer=key)
                return self.current
        raise WalkError(
            _("no choice {key} at {node} (choices: {choices})").format(
                key=repr(key), node=self.current, choices=", ".join(c.key for c in node.choices)
            )
        )

    async def advance(self) -> str:
        """Leave the current check node by its decision (running it first if needed) or a diagnosis by ``next``."""
        node = self.node
        if isinstance(node, CheckNode):
            if self.current not in self.results:
                await self.run_node()
            decision = self.decision()
            assert decision is not None  # the node just ran
            self._move(*decision)
        elif isinstance(node, DiagnosisNode) and (target := self.next_of(node)):
            self._move(target, _(CONTINUE_REASON))
        else:
            raise WalkError(_("{node} has no way on; answer it or go back").format(node=self.current))
        return self.current

    def explain(self) -> list[str]:
        """The walk so far, one line per step: where, which way, why."""
        lines = []
        for step in self.history:
            title = self.playbook.nodes[step.node].title
            lines.append(f"{step.node} ({title}) -> {step.target}: {step.reason}")
        return lines

    def way_on(self) -> str | None:
        """Where ``next_step`` would go now without running anything (None: answer, run the checks or go back)."""
        node = self.node
        if self.forward_stack:
            return self.forward_stack[-1].target
        decision = self.decision()
        if decision is not None:
            return decision[0]
        return self.next_of(node) if isinstance(node, DiagnosisNode) else None

    def describe_step(self, index: int) -> str:
        """One line for a step of the history: from, to, why."""
        step = self.history[index]
        return f"{self.playbook.nodes[step.node].title} → {self.playbook.nodes[step.target].title}: {step.reason}"

    async def next_step(self) -> str:
        """One step on (``n`` in the TUI, each step of ``run``): redo a step undone by ``back``, else ``advance``."""
        if self.forward():
            return self.current
        return await self.advance()

    async def run_to_end(self, answers: Mapping[str, str]) -> str:
        """Walk on without a UI: answer questions from ``answers``, run check nodes, follow diagnoses.

        Returns why the walk stopped before a conclusion ("" when it reached a diagnosis with no way on).
        """
        for _round in range(len(self.playbook.nodes) * 4):
            node = self.node
            if isinstance(node, QuestionNode):
                if self.current not in answers:
                    choices = "; ".join(f"{c.key}={c.label}" for c in node.choices)
                    return _("needs an answer at {node} ({title}): --answer {node}=KEY ({choices})").format(
                        node=self.current, title=node.title, choices=choices
                    )
                self.answer(answers[self.current])
                continue
            if isinstance(node, DiagnosisNode) and (not self.next_of(node) or node.next in self.path):
                return ""  # a conclusion; a `next` back to a visited node would only repeat the same results
            if isinstance(node, CheckNode) and self.current not in self.results:
                await self.run_node()
            target = self.way_on()
            if target is not None and target in self.path and isinstance(self.playbook.nodes[target], CheckNode):
                return _(
                    "stopped: {node} leads back to {target}, which already ran in this walk "
                    "(the playbook loops; re-run it after a change)"
                ).format(node=self.current, target=target)
            await self.next_step()
        return _("stopped: the walk went round in circles")

    def next_of(self, node: DiagnosisNode) -> str | None:
        """Where a diagnosis leads on; never into a closing all-clear (an ``info`` diagnosis with no way on) once
        the walk found something: "check everything" goes on through every branch, and must not end on
        "Nothing wrong" after a finding on the way."""
        target = self.playbook.nodes.get(node.next or "")
        if (
            isinstance(target, DiagnosisNode)
            and target.severity is Severity.INFO
            and not target.next
            and not target.fixes
            and self.found_problems()
        ):
            return None
        return node.next

    def found_problems(self) -> bool:
        """A check on the way failed, errored, warned or could not run, or a diagnosis above ``info`` was reached."""
        if any(r.is_problem for node in self.results.values() for r in node.values()):
            return True
        return any(
            isinstance(n, DiagnosisNode) and n.severity is not Severity.INFO
            for n in (self.playbook.nodes[i] for i in self.path)
        )

    def diagnoses(self) -> list[str]:
        """Diagnosis nodes reached on the way, in order, the current one included: what the walk found."""
        return [n for n in dict.fromkeys(self.path) if isinstance(self.playbook.nodes[n], DiagnosisNode)]

    def jump(self, target: str, reason: str | None = None) -> None:
        """Go to any node (symptom search, command palette); recorded like any other step."""
        self._move(target, reason if reason is not None else _(JUMP_REASON))

    def back(self) -> bool:
        """Return to the previous node, restoring its facts; False at the start."""
        if not self.history:
            return False
        step = self.history.pop()
        self.forward_stack.append(step)
        self.current = step.node
        self.facts = dict(step.facts_after)
        return True

    def back_to(self, index: int) -> None:
        """Go back until ``index`` steps are left in the history (selecting a past node of the path)."""
        while len(self.history) > index and self.back():
            pass

    def forward_by(self, count: int) -> None:
        """Redo up to ``count`` steps undone by ``back``."""
        for _step in range(count):
            if not self.forward():
                break

    def forward(self) -> bool:
        """Redo the step undone by ``back``; False when there is none."""
        if not self.forward_stack:
            return False
        step = self.forward_stack.pop()
        self.history.append(step)
        self.current = step.target
        self.facts = dict(step.facts_after)
        return True

    # -- fixes and explanations ------------------------------------------------------
    def withheld(self, fix_id: str) -> str | None:
        """Why a failing or warning check of the walk withheld this fix (e.g. the account's resource-policy quota is
        full), or None: a diagnosis does not offer what its check found cannot help."""
        for node_results in self.results.values():
            for result in node_results.values():
                if result.status in (Status.FAIL, Status.WARN) and fix_id in result.withheld_fixes:
                    return result.withheld_fixes[fix_id]
        return None

    def offered_fixes(self, node_id: str | None = None, *, all_fixes: bool = False) -> list[OfferedFix]:
        """Fixes of a node whose check failed or warned (every declared fix with ``all_fixes``)."""
        node_id = node_id or self.current
        node = self.playbook.nodes[node_id]
        results = self.results.get(node_id, {})
        out = []
        for ref in node.fixes:
            spec = self.registry.fixes.get(ref.fix)
            if spec is None:
                continue
            result = results.get(node.remedies(ref)) if isinstance(node, CheckNode) else None
            needed = result is not None and result.status in (Status.FAIL, Status.WARN)
            if result is not None and ref.fix in result.withheld_fixes and not all_fixes:
                continue  # the check found that this fix cannot help (e.g. a permissions boundary)
            if isinstance(node, CheckNode) and not all_fixes and fix_key(ref, self.values()) in self.settled:
                continue  # applied or found to have nothing left to do since this node last ran
            if isinstance(node, DiagnosisNode):
                if not all_fixes and self.withheld(ref.fix):
                    continue  # the check that led here found this fix cannot help: offering it would only be refused
                needed = fix_key(ref, self.values()) not in self.settled
            if all_fixes or needed:
                out.append(OfferedFix(ref, spec, result))
        return out
