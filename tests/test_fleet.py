"""Fleet sweeps: each runtime its own context and results, bounded concurrency, summary, reports, exit code, view."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from fleet_support import one_node_playbook
from test_app_support import wait_group
from textual.widgets import DataTable

from tui.cli import main
from tui.context import Context, build_context
from tui.engine.fleet import FleetTarget, member_context, read_runtimes_file, run_fleet
from tui.playbook.loader import parse_yaml
from tui.playbook.model import Playbook
from tui.registry import CheckParams, CheckSpec, Registry
from tui.results import CheckResult, Severity, failed, passed
from tui.sandbox.fleet_seed import seed_fleet

ONLY = ("runtime.discover", "runtime.status")
WAIT = 30.0
"""A ceiling, not a measurement: a check waiting for a partner gives up after this long (and then fails)."""

ONE_NODE = one_node_playbook('{check: t.look, params: {name: "{runtime}"}}')


class NameParams(CheckParams):
    name: str = ""


class RuntimeParams(CheckParams):
    runtime: str = ""


def book() -> Playbook:
    data, _ = parse_yaml(ONE_NODE, "<test>")
    return Playbook.model_validate(data)


def registry_with(func: Any) -> Registry:
    reg = Registry()
    reg.add_check(CheckSpec("t.look", "Look", Severity.MEDIUM, NameParams, func))
    return reg


async def test_at_most_jobs_runtimes_run_at_once_and_each_has_its_own_context() -> None:
    lock = threading.Lock()
    running: list[str] = []
    most = [0]
    two_running = threading.Event()

    def look(ctx: Any, params: Any) -> CheckResult:
        with lock:
            running.append(params.name)
            most[0] = max(most[0], len(running))
            if len(running) == 2:
                two_running.set()
        two_running.wait(WAIT)  # proves two run at the same time (without it, every runtime waits in vain)
        with lock:
            running.remove(params.name)
        return failed("broken") if params.name == "rt-3" else passed(f"looked at {params.name}")

    targets = [FleetTarget(f"rt-{i}", "eu-west-1") for i in range(1, 6)]
    base = Context(region="us-east-1", endpoint="http://127.0.0.1:9/mcp", project="/somewhere")
    fleet = await run_fleet(book(), base, targets, registry=registry_with(look), jobs=2)
    assert most[0] == 2
    assert [m.run.findings[0].summary if m.run else None for m in fleet.members] == [
        "looked at rt-1",
        "looked at rt-2",
        "broken",
        "looked at rt-4",
        "looked at rt-5",
    ]
    member = fleet.members[0]
    assert member.run is not None
    assert (member.run.context.runtime, member.run.context.region) == ("rt-1", "eu-west-1")
    assert member.run.context.endpoint is None and member.run.context.project is None  # they name one target
    assert fleet.exit_code == 1
    assert fleet.summary_rows()[0] == ("rt-3 (eu-west-1)", "fail", "t.look")
    report = fleet.report()
    assert [s["runtime"] for s in report["runtimes"]] == [f"rt-{i}" for i in range(1, 6)]
    assert report["runtimes"][2]["failing"] == ["t.look"]
    assert report["runtimes"][2]["report"]["findings"][0]["status"] == "fail"


async def test_a_not_applicable_skip_is_not_a_runtime_s_worst_outcome_and_one_that_could_not_run_is() -> None:
    """A healthy runtime showed ``skip`` (or, before context.given, ``fail``) as its worst status in the fleet view
    because a branch it has no input for (its project) was skipped."""
    from tui.results import could_not_run, skipped

    two_checks = ONE_NODE.replace(
        'checks: [{check: t.look, params: {name: "{runtime}"}}]',
        'checks: [{check: t.look, params: {name: "{runtime}"}}, {check: t.aside, params: {name: "{runtime}"}}]',
    )
    data, _ = parse_yaml(two_checks, "<test>")

    def look(ctx: Any, params: Any) -> CheckResult:
        return {
            "rt-ok": passed("fine"),
            "rt-blind": could_not_run("a check it needs failed"),
            "rt-none": skipped("nothing to look at"),
        }[params.name]

    reg = registry_with(look)
    reg.add_check(CheckSpec("t.aside", "Aside", Severity.MEDIUM, NameParams, lambda ctx, p: skipped("no project")))
    targets = [FleetTarget(name) for name in ("rt-ok", "rt-blind", "rt-none")]
    fleet = await run_fleet(Playbook.model_validate(data), Context(region="us-east-1"), targets, registry=reg, jobs=3)
    worst = {m.target.runtime: m.worst.value if m.worst else None for m in fleet.members}
    assert worst == {"rt-ok": "pass", "rt-blind": "skip", "rt-none": "skip"}
    assert [m.run.exit_code if m.run else None for m in fleet.members] == [0, 1, 0]


def test_a_runtimes_file_takes_comments_and_regions_and_says_where_it_is_wrong(tmp_path: Path) -> None:
    good = tmp_path / "fleet.txt"
    good.write_text(
        "# prod\nrt-a eu-west-1\n\narn:aws:bedrock-agentcore:us-east-1:1:runtime/rt-b  # b\nrt-a eu-west-1\n"
    )
    assert read_runtimes_file(str(good)) == [
        FleetTarget("rt-a", "eu-west-1"),
        FleetTarget("arn:aws:bedrock-agentcore:us-east-1:1:runtime/rt-b"),
    ]
    bad = tmp_path / "bad.txt"
    bad.write_text("rt-a\nrt-b eu-west-1 extra\n")
    result = CliRunner().invoke(main, ["doctor", "--runtimes-file", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2: expected 'RUNTIME [REGION]'" in result.output


def test_regions_without_all_runtimes_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["doctor", "--runtime", "a", "--runtime", "b", "--regions", "eu-west-1"])
    assert result.exit_code == 2
    assert "--regions goes with --all-runtimes" in result.output


def test_all_runtimes_sweeps_the_sandbox_fleet_in_one_process(
    seeded_aws: Any, aws_sandbox: Any, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = seeded_aws(set())
    extra = seed_fleet(aws_sandbox.url, info, 2)
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_sandbox.url)
    monkeypatch.setenv("AWS_REGION", info.region)
    only = [arg for check in ONLY for arg in ("--only", check)]
    result = CliRunner().invoke(main, ["doctor", "--all-runtimes", "--jobs", "2", "--format", "json", *only])
    report = json.loads(result.output)
    sections = {s["runtime"]: s for s in report["runtimes"]}
    assert set(sections) == {info.runtime_arn, *extra}
    for arn, section in sections.items():
        discover = next(f for f in section["report"]["findings"] if f["check"] == "runtime.discover")
        assert discover["status"] == "pass" and arn.rsplit("/", 1)[1] in discover["summary"]
    assert report["exit_code"] == result.exit_code == 0
    junit = CliRunner().invoke(main, ["doctor", "--runtime", extra[0], "--runtime", "nope", "--format", "junit", *only])
    suites = ElementTree.fromstring(junit.output).findall("testsuite")
    assert [suite.get("name") for suite in suites] == [extra[0], "nope"]  # one section per runtime
    assert [suite.get("failures") for suite in suites] == ["0", "1"]
    text = CliRunner().invoke(main, ["doctor", "--runtime", extra[0], "--runtime", "no-such-runtime", *only])
    assert text.exit_code == 1  # the worst of all
    lines = text.output.splitlines()
    assert lines[0].split() == ["RUNTIME", "WORST", "FAILING", "CHECKS"]
    assert lines[1].split()[:3] == ["no-such-runtime", "fail", "runtime.discover"]  # worst first
    assert lines[2].split()[:2] == [extra[0], "pass"]


@pytest.mark.slow
async def test_the_fleet_view_shows_live_rows_filters_sorts_and_opens_a_walk(
    seeded_aws: Any, aws_sandbox: Any, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.app.fleet_screen import FleetScreen
    from tui.app.main import TriageApp
    from tui.app.walk_screen import WalkScreen

    info = seeded_aws(set())
    extra = seed_fleet(aws_sandbox.url, info, 1)
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_sandbox.url)
    ctx = build_context(region=info.region, timeout=20)
    app = TriageApp(ctx, "agentcore-mcp", show_start=False, export_dir=str(isolated), export_stamp="t")
    targets = [FleetTarget(extra[0]), FleetTarget("no-such-runtime")]
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        screen = FleetScreen(ctx, targets=targets, only=ONLY, jobs=2)
        app.push_screen(screen)
        await pilot.pause()
        await wait_group(app, "fleet", pilot)
        table = screen.query_one(DataTable)
        extra_id = extra[0].rsplit("/", 1)[1]  # the row names the runtime by its id: its region has a column
        assert [table.get_row_at(i)[1] for i in range(table.row_count)] == [extra_id, "no-such-runtime"]
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["pass", "fail"]
        assert all(m.state == "done" for m in screen.members)
        await pilot.press("s")  # worst first
        assert [table.get_row_at(i)[1] for i in range(table.row_count)] == ["no-such-runtime", extra_id]
        await pilot.press("slash", *"fleet")
        assert [table.get_row_at(i)[1] for i in range(table.row_count)] == [extra_id]
        await pilot.press("enter")  # leaves the filter
        await pilot.press("enter")  # opens the walk of the highlighted runtime
        await pilot.pause()
        assert isinstance(app.screen, WalkScreen)
        assert app.screen.walk.context.runtime == extra[0]
        assert app.screen.walk.context.region == info.region


def test_a_member_context_keeps_credentials_and_drops_what_names_one_target() -> None:
    base = Context(profile="ops", region="us-east-1", endpoint="http://x/mcp", project="/p", token_env="TOKEN")
    ctx = member_context(base, FleetTarget("rt-1", "ap-northeast-1"))
    assert (ctx.profile, ctx.token_env, ctx.region, ctx.runtime) == ("ops", "TOKEN", "ap-northeast-1", "rt-1")
    assert ctx.endpoint is None and ctx.project is None


def arn(region: str, account: str, runtime_id: str) -> str:
    return f"arn:aws:bedrock-agentcore:{region}:{account}:runtime/{runtime_id}"


async def test_the_fleet_view_fits_80_columns_naming_runtimes_by_id_and_what_the_id_hides(
    tmp_path: Path,
) -> None:
    """At 80×24 every column is on screen: a whole ARN (~70 cells) had pushed all but the status off it. A row
    names its runtime by id, followed by the ARN's region when that is not the row's (the region it is checked in).
    The filter still finds a runtime by any part of its ARN (here the account)."""
    from test_app_support import screen_text, wait_until
    from textual.app import App

    from tui.app.fleet_screen import FleetScreen

    playbook = tmp_path / "fleet.yaml"  # the view validates its playbook against the shipped checks
    playbook.write_text(ONE_NODE.replace("t.look, params: {name:", "runtime.discover, params: {runtime:"), "utf-8")
    registry = Registry()
    registry.add_check(CheckSpec("runtime.discover", "Look", Severity.MEDIUM, RuntimeParams, lambda c, p: passed("ok")))
    here, elsewhere = (
        arn("us-east-1", "123456789012", "orders_mcp-Ab12Cd34Ef"),
        arn("eu-west-1", "123456789012", "billing_mcp-Gh56Ij78Kl"),
    )
    screen = FleetScreen(
        Context(region="us-east-1"),
        str(playbook),
        targets=[FleetTarget(here), FleetTarget(elsewhere)],
        registry=registry,
    )

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    async with Host().run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: screen.finished is not None, "the end of the sweep")
        table = screen.query_one(DataTable)
        assert [table.get_row_at(i)[1] for i in range(table.row_count)] == [
            "orders_mcp-Ab12Cd34Ef",
            "billing_mcp-Gh56Ij78Kl (eu-west-1)",
        ]
        shown = screen_text(pilot.app)
        for heading in ("STATUS", "RUNTIME", "REGION", "STATE", "CHECKS", "FAILING"):
            assert heading in shown, shown
        assert "orders_mcp-Ab12Cd34Ef" in shown and "us-east-1" in shown
        await pilot.press("slash", *"123456789012")  # the account: in both ARNs, on screen in neither
        assert table.row_count == 2
        await pilot.press("home", *"us-east-1:")  # "us-east-1:123456789012": only the first ARN has it
        assert [table.get_row_at(i)[1] for i in range(table.row_count)] == ["orders_mcp-Ab12Cd34Ef"]


def test_a_fleet_of_several_accounts_names_each_runtime_with_its_account() -> None:
    from tui.app.fleet_names import shown_runtime

    one, other = arn("us-east-1", "111111111111", "a-1"), arn("eu-west-1", "222222222222", "b-2")
    assert shown_runtime(one, "us-east-1", {"111111111111"}) == "a-1"
    assert shown_runtime(one, "us-east-1", {"111111111111", "222222222222"}) == "a-1 (111111111111)"
    assert shown_runtime(other, "us-east-1", {"111111111111", "222222222222"}) == "b-2 (222222222222, eu-west-1)"
    assert shown_runtime("orders-mcp (ap-northeast-1)", "ap-northeast-1", set()) == "orders-mcp (ap-northeast-1)"
