"""Pilot tests of the start screen: prefilled form, AWS config region, sandbox banner, starting the walk."""

from __future__ import annotations

from pathlib import Path

from test_app_support import make_app, screen_text, wait_screen, wait_start_form, wait_until
from textual.widgets import Input, Select

from tui.app.start_screen import StartChoice, StartScreen
from tui.app.walk_screen import WalkScreen
from tui.context import aws_config_region, parse_token_source


def test_aws_config_region(tmp_path: Path) -> None:
    cfg = tmp_path / "config"
    cfg.write_text("[default]\nregion = eu-west-1\n\n[profile dev]\nregion = ap-northeast-1\n")
    env = {"AWS_CONFIG_FILE": str(cfg)}
    assert aws_config_region(None, env) == "eu-west-1"
    assert aws_config_region("dev", env) == "ap-northeast-1"
    assert aws_config_region("missing", env) is None
    assert aws_config_region(None, {"AWS_CONFIG_FILE": str(tmp_path / "nope")}) is None


def test_parse_token_source() -> None:
    assert parse_token_source("env:MCP_TOKEN") == {"token_env": "MCP_TOKEN", "token_file": None}
    assert parse_token_source("file:~/tok") == {"token_env": None, "token_file": "~/tok"}
    assert parse_token_source("MY_TOKEN") == {"token_env": "MY_TOKEN", "token_file": None}
    assert parse_token_source("./tok.txt") == {"token_env": None, "token_file": "./tok.txt"}
    assert parse_token_source("") == {"token_env": None, "token_file": None}


async def test_start_form_prefilled_and_starts_walk(isolated: Path, monkeypatch) -> None:  # noqa: ANN001
    cfg = isolated.parent / "aws-config"
    cfg.write_text("[default]\nregion = eu-central-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(cfg))
    app = make_app(isolated, show_start=True, region=None, token_env="MCP_TOKEN", sources={"runtime": "flag"})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_screen(app, pilot, StartScreen)

        # the form mounts after the first frame: wait until it is laid out, or the screenshot below is blank
        def form_laid_out() -> bool:
            select = screen.query_one_optional("#playbook", Select)
            return select is not None and select.region.height > 0

        await wait_until(pilot, form_laid_out, "the form laid out")
        assert screen.query_one("#field-runtime", Input).value == "test-runtime"
        assert screen.query_one("#field-region", Input).value == "eu-central-1"  # from the AWS config
        assert screen.query_one("#field-token", Input).value == "env:MCP_TOKEN"
        assert screen.query_one("#field-project", Input).value == str(isolated)
        assert screen.query_one("#playbook", Select).value == app.playbook_ref
        text = screen_text(app)
        assert "region: AWS config" in text and "runtime: flag" in text
        assert "SANDBOX" not in text
        screen.query_one("#field-endpoint", Input).value = "http://localhost:8000/mcp"
        screen.query_one("#field-runtime", Input).focus()
        await pilot.press("enter")
        walk = await wait_screen(app, pilot, WalkScreen)
        ctx = walk.walk.context
        assert ctx.endpoint == "http://localhost:8000/mcp" and ctx.sources["endpoint"] == "start screen"
        assert ctx.region == "eu-central-1" and ctx.token_env == "MCP_TOKEN"


async def test_sandbox_banner_and_bad_playbook(isolated: Path) -> None:
    app = make_app(isolated, show_start=True, sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_start_form(app, pilot)  # the error is shown on the form: Started comes from it
        await wait_until(pilot, lambda: "SANDBOX" in screen_text(app), "the sandbox banner drawn")
        app.post_message(StartScreen.Started(StartChoice(app.context, "no-such-playbook")))
        await wait_until(
            pilot, lambda: "no playbook 'no-such-playbook'" in screen_text(app), "the playbook error shown"
        )
        assert app.screen is screen


async def test_a_letter_typed_on_entering_a_field_does_not_replace_the_prefilled_arn(isolated: Path) -> None:
    """Seen: tabbing into a prefilled field selected its text, and the next letter silently replaced the ARN."""
    app = make_app(isolated, show_start=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_start_form(app, pilot)
        runtime = screen.query_one("#field-runtime", Input)
        region = screen.query_one("#field-region", Input)
        region.focus()
        await pilot.pause()
        runtime.focus()  # entering the field again, as tab/shift+tab do
        await pilot.pause()
        await pilot.press("x")
        assert runtime.value.startswith("test-runtime") and "x" in runtime.value


async def test_a_value_the_cli_would_refuse_is_said_on_the_form(isolated: Path) -> None:
    """Before, the form started the walk with a runtime holding a space (or a region that is no region name), and
    every AWS check then failed with AWS's own validation message; the CLI refuses such values in one line."""
    app = make_app(isolated, show_start=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_start_form(app, pilot)
        screen.query_one("#field-runtime", Input).value = "my runtime"
        screen.query_one("#field-runtime", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: "no spaces" in screen_text(app), "the runtime problem shown on the form")
        assert app.screen is screen
        screen.query_one("#field-runtime", Input).value = "test-runtime"
        screen.query_one("#field-region", Input).value = "us east 1"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "not a region name" in screen_text(app), "the region problem shown")
        assert app.screen is screen
        screen.query_one("#field-region", Input).value = "us-east-1"
        await pilot.press("enter")
        await wait_screen(app, pilot, WalkScreen)
