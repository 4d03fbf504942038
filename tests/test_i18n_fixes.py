"""Fix plans, refusals and undos in Japanese, against the demo sandbox (moto, the MCP server, the sample project).

In Japanese mode every fix the sandbox offers is planned (``--fix all`` answered "no", and each fix of every node
through the engine's ``plan_fix``), some fixes are applied and their undo is planned, and undos are refused after
drift. The human text of all of it (titles, summaries, notes, permissions, action descriptions, the preview's
comments, "not planned because ..." explanations, refusals, undo questions) must hold no English sentence. Values stay
verbatim and are not judged: ARNs, paths, action and operation names, Sids, JSON, diffs, quoted texts from AWS.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from sandbox_fixtures import on_shared_worker
from test_i18n_checks_ja import japanese  # noqa: F401 - autouse here too: Japanese, a state dir of its own

from tui import i18n
from tui.context import Context, build_context
from tui.engine.doctor import fix_all, run_doctor
from tui.engine.fixing import FixError, apply_plan, find_fix_ref, plan_fix
from tui.fixes.base import Plan
from tui.playbook.validate import resolve_playbook

pytestmark = pytest.mark.slow

VALUE_TOKEN = re.compile(
    r"`[^`]*`"  # code
    r"|\"[^\"]*\"|'[^']*'"  # quoted values (names, AWS's own messages)
    r"|\{[^{}]*\}"  # JSON objects (conditions)
    r"|\S*[/_=@<>\[\]#$*0-9]\S*"  # ARNs, paths, ids, versions
    r"|\S+[.:]\S+"  # actions (logs:PutLogEvents), file and fix names (requirements.txt, iam.role_policy)
    r"|--\S+"  # flags
)
WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*(?:[ ,;:()]+[A-Za-z]+(?:-[A-Za-z]+)*)+")
"""Two or more English words in a row (after values are taken out), across ASCII punctuation."""


def prose_lines(text: str) -> list[str]:
    """``text`` without its values (see ``VALUE_TOKEN``) and without unified-diff or JSON payload lines."""
    out = []
    for line in text.splitlines():
        if line.startswith(("+", "-", "@@")) or (line.startswith(" ") and not line.startswith("  # ")):
            continue  # the body of a diff or a JSON payload (verbatim); "  # ..." is a preview's own comment
        out.append(VALUE_TOKEN.sub(" § ", line))
    return out


def english_sentences(text: str) -> list[str]:
    """English prose in ``text``: words in a row, at least two of them ordinary lower-case words, or a fixed part of
    one of the fix and AWS modules' English messages (a single word such as "region" counts there).

    Proper names ("CloudWatch Logs", "Amazon Bedrock AgentCore") are capitalised and do not count.
    """
    found = []
    for prose in prose_lines(text):
        for run in ENGLISH_RUN.finditer(prose):
            if sum(1 for w in WORD.findall(run.group()) if w.islower() and len(w) > 1) >= 2:
                found.append(run.group())
        words = " " + " ".join(WORD.findall(prose)) + " "
        found += [f for f in catalogued_fragments() if f" {f} " in words and f not in found]
    return found


@functools.cache
def catalogued_fragments() -> tuple[str, ...]:
    """The fixed words of every English message marked in the fix and AWS modules (between placeholders)."""
    from babel.messages.pofile import read_po

    with i18n.PO_FILE.open("rb") as handle:
        catalog = read_po(handle, locale="ja", domain=i18n.DOMAIN)
    mine = ("tui/fixes/", "tui/aws/", "tui/engine/fixing.py")
    out = set()
    for message in catalog:
        if not message.id or not any(loc[0].startswith(mine) for loc in message.locations):
            continue
        for english in message.id if isinstance(message.id, tuple) else (message.id,):
            for part in re.split(r"\{[a-z_]+\}", english):
                words = WORD.findall(VALUE_TOKEN.sub(" ", part))
                if any(w.islower() and len(w) > 2 for w in words):
                    out.add(" ".join(words))
    return tuple(sorted(out))


def human_texts_of_plan(plan: Plan) -> list[str]:
    """What the fix dialog and ``doctor --fix`` show around the exact payload (never the payload itself)."""
    texts = [plan.title, plan.summary, *plan.notes, *plan.permissions]
    for action in [*plan.actions, *plan.undo]:
        texts.append(action.description)
    texts += preview_comments(plan.preview())
    return texts


def preview_comments(preview: str) -> list[str]:
    """The lines of a preview that are not payload: ``# region ...``, ``# ...: sent as a JSON string ...``, and the
    "Nothing to change" line."""
    return [line for line in preview.splitlines() if line.startswith("  # ") or not line.startswith((" ", "{", "}"))]


def assert_no_english(texts: Iterable[str], where: str) -> None:
    problems = {text: english_sentences(text) for text in texts if text}
    problems = {text: found for text, found in problems.items() if found}
    assert not problems, f"{where}: English in Japanese mode:\n" + "\n".join(
        f"  {found} in {text!r}" for text, found in problems.items()
    )


def sandbox_context() -> Context:
    ctx = build_context()
    ctx.sandbox = True
    return ctx


def playbook() -> Any:
    return resolve_playbook("agentcore-mcp").playbook


def plan_every_offered_fix(run: Any, ctx: Context) -> list[str]:
    """Each fix of each node, planned once per distinct parameter set; a refusal's message is the text."""
    texts: list[str] = []
    seen: set[str] = set()
    for node in run.playbook.nodes.values():
        for ref in node.fixes:
            key = json.dumps([ref.fix, dict(ref.params)], sort_keys=True, default=str)
            if key in seen:
                continue
            seen.add(key)
            try:
                plan = plan_fix(ref.fix, ref.params, ctx, run.facts)
            except FixError as exc:
                texts.append(str(exc))
                continue
            texts += human_texts_of_plan(plan)
    return texts


SCENARIOS = ["seed-guide", "logs-permissions", "missing-log-group", "resource-policy", "boundary", "headers"]


@pytest.mark.parametrize("scenario", [pytest.param(name, marks=on_shared_worker(name)) for name in SCENARIOS])
def test_every_fix_the_sandbox_offers_is_planned_in_japanese(shared_scenario, scenario: str) -> None:  # type: ignore[no-untyped-def]
    """Read-only (every fix is declined or only planned): the scenario's shared sandbox and its Japanese doctor run,
    with moto seeded for it again before planning."""
    run = shared_scenario(scenario, live=True).doctor()
    ctx = sandbox_context()
    asked: list[str] = []

    def no(headline: str, preview: str) -> bool:
        asked.extend([headline, *preview_comments(preview)])
        return False

    infos = asyncio.run(fix_all(run, confirm=no))
    assert infos or scenario == "boundary", f"{scenario}: doctor --fix all considered no fix"  # offered at a diagnosis
    texts = [*asked, *(info.explanation() for info in infos)]
    for info in infos:
        shown = info.plan or {}
        texts += [shown.get("summary", ""), *shown.get("notes", []), *shown.get("permissions", [])]
        texts += [a.get("description", "") for a in shown.get("actions", [])]
    planned = plan_every_offered_fix(run, ctx)
    assert planned
    texts += planned
    assert any(re.search(r"[\u3040-\u30ff]", t) for t in texts), "nothing Japanese at all: the language is not set"
    assert_no_english(texts, scenario)


def test_undo_plans_and_drift_refusals_in_japanese(sandbox, aws_sandbox) -> None:  # type: ignore[no-untyped-def]
    import boto3

    from tui.fixes import audit
    from tui.fixes.undo import UndoRefused, select_record, undo_plan

    aws_sandbox.xray_pending_seconds = 0  # the trace destination is ACTIVE at once, so its undo can be planned
    box = sandbox("seed-guide")
    ctx = sandbox_context()
    run = asyncio.run(run_doctor(playbook(), ctx))
    asyncio.run(fix_all(run, confirm=lambda headline, preview: True))
    applied = [r for r in audit.records() if r.outcome == "applied"]
    fixes = {r.fix for r in applied}
    assert {"iam.role_policy", "logs.create_group", "xray.destination"} <= fixes, fixes
    assert any(r.target and r.target.files for r in applied), "no file fix was applied"
    texts: list[str] = [r.title for r in applied]
    for record in applied:
        try:
            plan = undo_plan(record, ctx)
        except UndoRefused as exc:  # pin_mcp's undo: otel_distro edited requirements.txt after it
            texts.append(str(exc))
            continue
        texts += [plan.title, *plan.questions, *preview_comments(plan.preview())]
        texts += human_texts_of_plan(plan.as_plan())

    # drift: each undo refused or merged, with the reason in Japanese
    env = box.env()
    session = boto3.Session(region_name=env["AWS_REGION"])
    logs_record = next(r for r in applied if r.fix == "logs.create_group")
    logs = session.client("logs", endpoint_url=env["AWS_ENDPOINT_URL"])
    group = str(logs_record.undo[0].params["logGroupName"])  # type: ignore[union-attr]
    logs.create_log_stream(logGroupName=group, logStreamName="after-the-fix")
    logs.put_log_events(
        logGroupName=group,
        logStreamName="after-the-fix",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": "written after the fix"}],
    )
    question = undo_plan(logs_record, ctx).questions
    assert question and "ロググループ" in question[0]
    texts += question
    logs.delete_log_group(logGroupName=group)
    refusals: list[str] = []
    with pytest.raises(UndoRefused) as refused:
        undo_plan(logs_record, ctx)
    refusals.append(str(refused.value))

    role_record = next(r for r in applied if r.fix == "iam.role_policy")
    iam = session.client("iam", endpoint_url=env["AWS_ENDPOINT_URL"])
    call = role_record.request[0]
    params = call["params"]
    edited = json.loads(params["PolicyDocument"])
    edited["Statement"][0]["Action"] = ["logs:PutLogEvents"]  # someone narrowed the fix's own statement
    iam.put_role_policy(RoleName=params["RoleName"], PolicyName=params["PolicyName"], PolicyDocument=json.dumps(edited))
    with pytest.raises(UndoRefused) as refused:
        undo_plan(role_record, ctx)
    refusals.append(str(refused.value))

    file_record = next(r for r in reversed(applied) if r.target and r.target.files)
    edited_file = Path(next(iter(file_record.target.files)))  # type: ignore[union-attr]
    edited_file.write_text(edited_file.read_text(encoding="utf-8") + "\n# edited after the fix\n", encoding="utf-8")
    with pytest.raises(UndoRefused) as refused:
        undo_plan(file_record, ctx)
    refusals.append(str(refused.value))

    with pytest.raises(FixError) as nothing:
        select_record(None, [])
    refusals.append(str(nothing.value))
    with pytest.raises(FixError) as unknown:
        select_record("no-such-record", applied)
    refusals.append(str(unknown.value))
    assert all(re.search(r"[\u3040-\u30ff]", r) for r in refusals), refusals
    assert_no_english([*texts, *refusals], "undo")


@on_shared_worker("resource-policy")
def test_a_refused_fix_and_the_prerequisite_it_waits_for_in_japanese(shared_scenario) -> None:  # type: ignore[no-untyped-def]
    """``xray.destination`` needs ``logs.xray_resource_policy`` first: declining that one explains both. Read-only:
    the fixes are declined, and the one applied in read-only mode is refused."""
    run = shared_scenario("resource-policy", live=True).doctor()
    ctx = sandbox_context()
    headlines: list[str] = []

    def no(headline: str, preview: str) -> bool:
        headlines.append(headline)
        return False

    infos = asyncio.run(fix_all(run, confirm=no))
    destination = next(i for i in infos if i.id == "xray.destination")
    assert "logs.xray_resource_policy" in (destination.error or "")
    assert any("xray.destination" in h for h in headlines)
    _node, ref = find_fix_ref(run.playbook, "xray.destination")
    assert ref is not None
    plan = plan_fix(ref.fix, ref.params, ctx, run.facts)
    assert plan.prerequisites == ["logs.xray_resource_policy"]
    read_only = ctx.model_copy(update={"read_only": True})
    with pytest.raises(FixError) as refused:
        apply_plan(plan, read_only)
    assert_no_english([*headlines, destination.explanation(), str(refused.value)], "prerequisite")


def test_the_detector_finds_every_untranslated_fix_and_aws_text() -> None:
    """Every English message of the fix and AWS modules (three words or more) would be caught if shown untranslated,
    and its Japanese would not: the sandbox tests above can fail."""
    from babel.messages.pofile import read_po

    with i18n.PO_FILE.open("rb") as handle:
        catalog = read_po(handle, locale="ja", domain=i18n.DOMAIN)
    mine = ("tui/fixes/", "tui/aws/", "tui/engine/fixing.py")
    checked = 0
    for message in catalog:
        if not message.id or not any(loc[0].startswith(mine) for loc in message.locations):
            continue
        english = message.id if isinstance(message.id, str) else message.id[1]
        translated = message.string if isinstance(message.string, str) else message.string[0]
        sample = english.replace("{", "").replace("}", "").strip()  # placeholders hold values: bare words here
        words = re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", VALUE_TOKEN.sub(" ", sample))
        if sum(1 for w in words if w.islower() and len(w) > 1) >= 4:  # prose, not a name or a bare value
            assert english_sentences(sample), f"the detector misses untranslated {english!r}"
            checked += 1
        filled = re.sub(r"\{[a-z_]+\}", "x1", translated)
        assert not english_sentences(filled), f"the Japanese of {english!r} reads as English: {translated!r}"
    assert checked > 100


def test_the_detector_leaves_values_alone() -> None:
    shown = (
        "ロール agentcore-runtime に対する logs:PutLogEvents: インラインポリシー AgentCorePolicy のステートメント "
        "'DenyPut' (Deny) により拒否。CloudWatch Logs のロググループ /aws/bedrock-agentcore/runtimes/x-DEFAULT、"
        'AWS の応答 "Log groups starting with AWS/ are reserved for AWS" と `aws logs put-retention-policy`'
    )
    assert english_sentences(shown) == []
    assert "denied by an explicit Deny" in english_sentences("logs:PutLogEvents が denied by an explicit Deny")
    assert english_sentences("  # region us-east-1") == ["region"]  # one word, known from the catalogue


def test_an_unreadable_audit_log_is_explained_in_japanese(tmp_path: Path) -> None:
    from tui.fixes.audit import audit_path, read_log

    path = audit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'\xff\xfe\n{"fix": \n[1]\n')  # pydantic's own messages (a bad record) would stay English
    summary = read_log().summary() or ""
    assert "読み取れない 3 行" in summary
    assert_no_english([summary], "audit log")
    path.unlink()
    path.mkdir()
    assert_no_english([read_log().summary() or ""], "audit log directory")
