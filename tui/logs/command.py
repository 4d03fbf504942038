"""``agentcore-triage logs``: the runtime's CloudWatch logs, grouped by the playbook node that explains them.

Only click is imported here; boto3, the playbook and the reader load when the command runs.
Exit codes: 0 no actionable error in the range, 1 actionable errors found (or the read failed or was
capped), 2 usage, 130 interrupted (``--follow`` ends with ctrl-c).
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC
from typing import Any

import click

from tui.i18n import _, cell_len, ngettext, os_reason, pad_cells, pgettext, use_language

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
_DURATION = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE)
_UNIT_MS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}


class LogsUsage(click.ClickException):
    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        """One line as doctor's (tui.cli.base.shown_values, a layer above this one): a value quoted back longer than
        300 characters is cut with its length (`--runtime <100,000 characters>` came back whole), and no control
        character reaches the terminal."""
        from tui.redact import LONGEST_SHOWN_VALUE, cut_value

        message = re.sub(r"[\x00-\x1f\x7f-\x9f]", "\ufffd", self.format_message())
        long_word = rf"\S{{{LONGEST_SHOWN_VALUE + 1},}}"
        click.echo("agentcore-triage: " + re.sub(long_word, lambda word: cut_value(word.group(0)), message), err=True)


def parse_duration(text: str) -> int:
    """``1h``, ``30m``, ``2d``, ``1h30m``, ``90s`` → milliseconds."""
    cleaned = text.strip().lower()
    parts = _DURATION.findall(cleaned)
    if not parts or _DURATION.sub("", cleaned).strip():
        raise LogsUsage(_("--since {value}: use a duration such as 15m, 1h, 24h, 7d or 1h30m").format(value=repr(text)))
    total = sum(int(n[:20]) * _UNIT_MS[u.lower()] for n, u in parts)
    if total > MAX_LOOKBACK_MS:
        raise LogsUsage(
            _("{value}: at most {days} days back (CloudWatch Logs keeps events for 10 years at most)").format(
                value=repr(text[:40]), days=MAX_LOOKBACK_MS // 86_400_000
            )
        )
    return total


MAX_LOOKBACK_MS = 3653 * 86_400_000
"""Ten years, the longest retention CloudWatch Logs offers: seen, `--since 99999999999d` gave a start in the year
-273788674 and a truncated botocore error, and 300 digits an OverflowError."""


def parse_time(text: str, flag: str, now_ms: int) -> int:
    """ISO 8601 (``2026-12-01T14:00:00Z``, ``2026-12-01 14:00``; UTC when no offset), epoch seconds or
    milliseconds, ``now``, or a duration before now (``-2h``, ``2h``) → epoch ms."""
    from datetime import datetime

    value = text.strip()
    if value.lower() == "now":
        return now_ms
    if value.isdigit():
        number = int(value[:20]) if len(value) <= 20 else 10**20
        epoch_ms = number if number > 10**11 else number * 1000
        if epoch_ms > now_ms + MAX_LOOKBACK_MS:
            raise LogsUsage(
                _("{flag} {value}: epoch seconds or milliseconds of a time before 10 years from now").format(
                    flag=flag, value=repr(text[:40])
                )
            )
        return epoch_ms
    if _DURATION.fullmatch(value.lstrip("-")) or (value.startswith("-") and _DURATION.findall(value)):
        return now_ms - parse_duration(value.lstrip("-"))
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise LogsUsage(
            _(
                "{flag} {value}: use ISO 8601 (2026-12-01T14:00:00Z), epoch seconds, 'now' or a duration ago (-2h)"
            ).format(flag=flag, value=repr(text))
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def time_range(since: str | None, start: str | None, end: str | None, now_ms: int) -> tuple[int, int]:
    if since and start:
        raise LogsUsage(_("--since and --start contradict each other: give one"))
    end_ms = parse_time(end, "--end", now_ms) if end else now_ms
    start_ms = parse_time(start, "--start", now_ms) if start else end_ms - parse_duration(since or "1h")
    if start_ms >= end_ms:
        raise LogsUsage(_("the range is empty: --start must be before --end"))
    return start_ms, end_ms


def _check_filter_length(session: str | None, grep: str | None) -> None:
    """--session and --grep are sent as one CloudWatch filter pattern, whose length CloudWatch bounds: a longer one
    was sent anyway (InvalidParameterException, the whole value quoted back)."""
    from tui.logs.reader import FILTER_PATTERN_MAX, ReadRequest, _narrowing_pattern

    pattern = _narrowing_pattern(ReadRequest([], 0, 0, session=session, grep=grep))
    if pattern is None or len(pattern) <= FILTER_PATTERN_MAX:
        return
    flags = " and ".join(flag for flag, value in (("--session", session), ("--grep", grep)) if value)
    raise LogsUsage(
        _(
            "{flags}: {count} characters as a CloudWatch filter pattern, which holds at most {limit}: "
            "match a shorter part of the text"
        ).format(flags=flags, count=len(pattern), limit=FILTER_PATTERN_MAX)
    )


def _choose_language(flag: str | None) -> None:
    """``logs --lang ja``: the command's own flag overrides what the group chose (``agentcore-triage --lang``, the
    environment, the locale); without it that choice stands."""
    if flag is not None:
        use_language(flag)


def _poll_seconds(value: Any) -> float:
    """``--poll-interval`` as finite seconds from 0.1 to 300 (``nan`` passed click's range: --follow never polled)."""
    from tui.context import parse_seconds

    try:
        return parse_seconds(value, 0.1, 300)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


_NOT_EXPECTED = frozenset({"read-only", "bad-parameter"})
"""Kinds of ``tui.aws.errors.describe`` that are a bug of this tool (a write attempted, a request it built wrong):
those still offer AGENTCORE_TRIAGE_DEBUG's traceback."""


def _guard(func: Callable[..., Any]) -> Callable[..., Any]:
    """No traceback reaches the user: ctrl-c is exit 130, anything unexpected one line with exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("agentcore-triage: " + _("interrupted"), err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except Exception as exc:  # noqa: BLE001 - last line of defence
            from tui.aws.errors import describe
            from tui.logs.targets import aws_reason

            if os.environ.get("AGENTCORE_TRIAGE_DEBUG"):
                raise
            known = describe(exc)
            if known is not None and known.kind not in _NOT_EXPECTED:
                # an AWS setup the user can put right (AWS_PROFILE="" or a profile that does not exist, no
                # credentials, an expired session): doctor's line; a traceback would add nothing
                raise LogsUsage(known.summary) from None
            raise LogsUsage(
                _("{reason} (set AGENTCORE_TRIAGE_DEBUG=1 for a traceback)").format(reason=aws_reason(exc))
            ) from None

    return wrapper


@click.command("logs")
@click.option("--profile", help="AWS profile (default: AWS_PROFILE).")
@click.option("--region", help="AWS region (default: AWS_REGION, then the runtime ARN).")
@click.option("--runtime", help="AgentCore runtime: ARN, id or name (default: AGENTCORE_TRIAGE_RUNTIME, the project).")
@click.option("--all-runtimes", is_flag=True, help="Every runtime in the region, read concurrently.")
@click.option("--project", metavar="DIR", type=click.Path(file_okay=False), help="Server project (Dockerfile, YAML).")
@click.option("--log-group", "extra_groups", multiple=True, metavar="NAME", help="Also read this log group.")
@click.option("--since", metavar="DURATION", help="Range ending now: 15m, 1h (default), 24h, 7d.")
@click.option("--start", metavar="TIME", help="Range start: ISO 8601 (UTC unless an offset is given) or -2h.")
@click.option("--end", metavar="TIME", help="Range end (default now).")
@click.option("--session", metavar="ID", help="Only events naming this session id.")
@click.option("--grep", metavar="TEXT", help="Only events containing TEXT (case-sensitive, as CloudWatch matches).")
@click.option("--node", metavar="NODE", help="Only events this playbook node explains.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True)
@click.option("--follow", is_flag=True, help="Keep polling for new events until ctrl-c.")
@click.option(
    "--poll-interval",
    default=2.0,
    show_default=True,
    metavar="SECONDS",
    callback=lambda _ctx, _param, value: _poll_seconds(value),
    help="With --follow: the first wait between polls, 0.1 to 300.",
)
@click.option("--max-events", type=click.IntRange(1), default=None, metavar="N", help="Stop reading after N events.")
@click.option(
    "--via",
    type=click.Choice(["auto", "filter", "insights"]),
    default="auto",
    show_default=True,
    help="FilterLogEvents or Logs Insights (auto: by range).",
)
@click.option("--playbook", "playbook_ref", metavar="ID|PATH", help="Playbook whose signatures classify events.")
@click.option("-v", "--verbose", is_flag=True, help="Say which groups, which API and which filter (on stderr).")
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    expose_value=False,
    is_eager=True,
    callback=lambda _ctx, _param, value: _choose_language(value),
    help="Language (default: AGENTCORE_TRIAGE_LANG, then the locale, then en).",
)
@click.pass_context
@_guard
def logs_command(click_ctx: click.Context, **opts: Any) -> None:
    """Read the runtime's CloudWatch logs (its own group and the OTEL group it writes to) and name the node
    that explains each error: grouped, actionable errors above known noise."""
    parent = (click_ctx.find_root().obj or {}) if click_ctx.parent else {}
    for key in ("profile", "region", "runtime", "project"):
        if not opts.get(key) and isinstance(parent, dict) and parent.get(key):
            opts[key] = parent[key]
    opts["playbook_ref"] = opts.get("playbook_ref") or (
        parent.get("playbook_ref") if isinstance(parent, dict) else None
    )
    opts["agent"] = parent.get("agent") if isinstance(parent, dict) else None  # `agentcore-triage --agent A logs`
    run_logs(**opts)


def _playbook(ref: str, verbose: bool = False) -> Any:
    """What classifies the events: a shipped playbook's signature index (``tui.playbook.signature_index``) when it
    was built from the files there now, else the playbook by path, file stem or id, loaded (schema-checked), not
    graph-validated — classifying log lines needs only its nodes and signatures, and `playbooks validate` is there
    for the rest. Both are read by the same code (``tui.playbook.signatures.SignedPlaybook``)."""
    from pathlib import Path

    from tui.files import exists

    path = Path(ref)
    by_path = path.suffix in (".yaml", ".yml") or exists(path)  # a name too long for a file is an id
    if not by_path:
        from tui.i18n import current_language
        from tui.playbook.signature_index import IndexUnusable, shipped_index

        try:
            index = shipped_index(ref, current_language())
        except IndexUnusable as exc:
            _say(verbose, _("loading the playbook {ref}: {reason}").format(ref=ref, reason=exc))
        else:
            _say(verbose, _("classifying with the signature index of {ref}").format(ref=ref))
            return index
    else:
        _say(verbose, _("loading the playbook {ref}: a playbook given by path is always loaded").format(ref=ref))
    from tui.playbook.loader import PlaybookLoadError, load_playbook, shipped_playbook, shipped_playbook_files

    if not by_path:
        found = shipped_playbook(ref)
        if found is None:
            shipped = ", ".join(f.stem for f in shipped_playbook_files())
            raise LogsUsage(
                _("--playbook {ref}: no such playbook (shipped: {shipped})").format(ref=repr(ref), shipped=shipped)
            )
        path = found
    from tui.playbook.translations import localize

    try:
        loaded = load_playbook(path)
    except PlaybookLoadError as exc:
        raise LogsUsage(f"--playbook {ref}: {exc.errors[0]}") from None
    except OSError as exc:
        raise LogsUsage(
            _("--playbook {ref}: cannot read it ({reason})").format(ref=ref, reason=os_reason(exc))
        ) from None
    try:
        return localize(loaded).playbook  # node titles in the chosen language (the overlay beside the file)
    except ValueError as exc:  # a malformed overlay: classify with the English titles, say why
        shown = _("Translation not loaded")
        click.echo(f"agentcore-triage: {shown}: {str(exc).splitlines()[-1]}", err=True)
        return loaded.playbook


YOUNG_OBJECTS = 50_000
"""Allocations between two collections of the youngest generation while the command runs (CPython: 700)."""


def _quiet_collector(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``func`` with the collector kept off the objects built before each ``_freeze_heap`` (modules, then the
    playbook and clients: alive until the command ends), and collecting less often: loading the playbook and
    reading events allocate many short-lived objects (freed by reference counting, not by the collector), and
    every collection would otherwise walk them, every full one the whole start-up heap again: a fifth of the
    CPU of a 100,000-event read (bench.logs_reader). Undone when ``func`` ends, however it ends (the command
    also runs inside other processes: tests, the TUI)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import gc

        global _freezing
        thresholds = gc.get_threshold()
        # A host process (the test suite, an embedding tool) may have frozen its own heap. The collector can only
        # unfreeze everything at once, so then the command freezes nothing and leaves the host's freeze as it is.
        freezing = gc.get_freeze_count() == 0
        gc.set_threshold(max(thresholds[0], YOUNG_OBJECTS), *thresholds[1:])
        if freezing:
            gc.freeze()
        _freezing = freezing
        try:
            return func(*args, **kwargs)
        finally:
            _freezing = False
            if freezing:
                gc.unfreeze()
            gc.set_threshold(*thresholds)

    return wrapper


_freezing = False
"""True while ``_quiet_collector`` froze a heap that nobody had frozen before (then it may freeze more, and undoes it)."""


def _freeze_heap() -> None:
    """Freeze what the command has built so far (only inside ``_quiet_collector``, which undoes it)."""
    import gc

    if _freezing:
        gc.freeze()


LOG_GROUP_NAME = re.compile(r"[\w./#-]{1,512}", re.ASCII)
"""CloudWatch Logs' rule for a log group name (CreateLogGroup): letters, digits and _ - / . #, at most 512."""


def _say(verbose: bool, message: str) -> None:
    if verbose:
        click.echo(message, err=True)


@_quiet_collector
def run_logs(
    *,
    profile: str | None,
    region: str | None,
    runtime: str | None,
    all_runtimes: bool,
    project: str | None,
    extra_groups: tuple[str, ...],
    since: str | None,
    start: str | None,
    end: str | None,
    session: str | None,
    grep: str | None,
    node: str | None,
    fmt: str,
    follow: bool,
    poll_interval: float,
    max_events: int | None,
    via: str,
    playbook_ref: str | None,
    verbose: bool,
    agent: str | None = None,
) -> None:
    if follow and fmt == "json":
        raise LogsUsage(_("--follow streams: use --format text or jsonl"))
    if follow and all_runtimes:
        raise LogsUsage(_("--follow reads one runtime: give --runtime instead of --all-runtimes"))
    if all_runtimes and runtime:
        raise LogsUsage(_("--runtime and --all-runtimes contradict each other: give one"))
    for name in extra_groups:
        if not LOG_GROUP_NAME.fullmatch(name):  # CloudWatch's own rule: a newline or 20,000 characters never reach it
            shown = repr(name) if len(name) <= 80 else repr(name[:60]) + "…"
            raise LogsUsage(
                _("--log-group {name}: not a log group name (1 to 512 letters, digits and _ - / . #)").format(
                    name=shown
                )
            )
    _check_filter_length(session, grep)
    now_ms = int(time.time() * 1000)
    start_ms, end_ms = time_range(since, start, end, now_ms)

    from tui.context import build_context
    from tui.redact import register_secret

    for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        register_secret(os.environ.get(name))
    # The AWS side (the clients and the runtime's discovery, whose calls wait on the network) runs beside the
    # playbook's load; errors still surface in the order they always did: the playbook's, then --node, then the
    # context's, then the AWS side's.
    try:
        ctx: Any = build_context(profile=profile, region=region, runtime=runtime, project=project, agent=agent)
        context_error: Exception | None = None
        if problem := ctx.runtime_problem():  # `--runtime $'\e[2J'` was looked up in every listing: never sent
            ctx, context_error = None, ValueError(problem)
    except Exception as exc:  # noqa: BLE001 - raised below, after the playbook's own errors
        ctx, context_error = None, exc
    aws = None
    if ctx is not None and (ctx.runtime or all_runtimes or extra_groups):
        aws = _AwsSide(ctx, discover=not all_runtimes)
    try:
        playbook = _playbook(playbook_ref or "agentcore-mcp", verbose)
        if node and node not in playbook.nodes:
            raise LogsUsage(
                _("--node {node}: no such node in {playbook} (`agentcore-triage match TEXT` finds one)").format(
                    node=repr(node), playbook=playbook.id
                )
            )
    finally:
        if aws is not None:
            aws.join()  # also when the playbook failed: no call may outlive the command
    if isinstance(context_error, ValueError):  # a bad variable (AGENTCORE_TRIAGE_TIMEOUT…) or --agent: one line
        from tui.redact import redact_text

        raise LogsUsage(redact_text(str(context_error)))
    if context_error is not None:
        raise context_error
    if aws is None:
        raise LogsUsage(_("which runtime? give --runtime ARN|ID|NAME, --all-runtimes, or --log-group NAME"))
    from tui.logs.reader import DEFAULT_MAX_EVENTS

    cap = max_events or DEFAULT_MAX_EVENTS
    logs, (target, report) = aws.result()
    _freeze_heap()
    if all_runtimes:
        code = _all_runtimes(ctx, logs, playbook, start_ms, end_ms, session, grep, node, fmt, cap, via, verbose)
        sys.exit(code)
    if report:
        _report_target(target, verbose)
    for name in extra_groups:
        target.add(name, "extra", "--log-group")
    if follow:
        sys.exit(_follow(logs, playbook, target, start_ms, session, grep, node, fmt, poll_interval, verbose))
    result = _scan_target(logs, playbook, target, start_ms, end_ms, session, grep, node, fmt, cap, via, verbose)
    _report_read(result, verbose)
    if fmt == "json":
        click.echo(json.dumps({"runtime": _target_json(target), **result.as_json()}, indent=2, default=str))
    elif fmt == "text":
        click.echo(render_text(target, result, playbook.id))
    actionable = [g for g in result.ranked() if not g.noise and g.node]
    failed = bool(result.stats.errors) or not result.stats.groups_read
    sys.exit(EXIT_FOUND if actionable or failed or result.stats.capped else EXIT_OK)


class _AwsSide:
    """The logs client and, for one runtime, its log groups (``_discover``), made in a thread: boto3's import and
    the clients are CPU work that only shares the interpreter, but the discovery's calls wait on the network, and
    that wait overlaps the playbook's load. ``result`` re-raises whatever the thread raised."""

    def __init__(self, ctx: Any, *, discover: bool) -> None:
        import threading

        self._ctx = ctx
        self._discover = discover
        self._value: tuple[Any, Any] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="logs-aws-side", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from tui.aws.session import read_only_client

        try:
            logs = read_only_client(self._ctx, "logs", timeout=self._ctx.timeout)
            self._value = (logs, _discover(self._ctx, logs) if self._discover else (None, False))
        except BaseException as exc:  # noqa: BLE001 - handed to the command's thread, which reports it
            self._error = exc

    def join(self) -> None:
        self._thread.join()

    def result(self) -> tuple[Any, Any]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def _discover(ctx: Any, logs: Any) -> tuple[Any, bool]:
    """The runtime's log groups, and whether ``--verbose`` lists them (found from the runtime itself); says nothing:
    ``_report_target`` does, in the command's thread."""
    from tui.aws.runtimes import find_runtime, id_from_arn
    from tui.aws.session import read_only_client
    from tui.logs.targets import (
        FROM_RUNTIME_ID,
        RuntimeTarget,
        aws_reason,
        otel_groups_from_project,
        runtime_groups,
        target_for,
    )

    if not ctx.runtime:
        return RuntimeTarget("", ""), False
    control = read_only_client(ctx, "bedrock-agentcore-control", timeout=ctx.timeout)
    try:
        summary, seen = find_runtime(control, ctx.runtime)
    except Exception as exc:  # noqa: BLE001 - the groups can still be derived from an id or ARN
        runtime_id = id_from_arn(ctx.runtime) or ctx.runtime
        target = RuntimeTarget(runtime_id, "")
        target.notes.append(
            _("ListAgentRuntimes failed ({reason}): log groups derived from {runtime}").format(
                reason=aws_reason(exc), runtime=repr(runtime_id)
            )
        )
        for name in runtime_groups(logs, runtime_id):
            target.add(name, "runtime", FROM_RUNTIME_ID)
        for name, source in otel_groups_from_project(ctx.project):
            target.add(name, "otel", source)
        return target, False
    if summary is None:
        names = sorted({str(r.get("agentRuntimeName")) for r in seen})
        where = control.meta.region_name
        if names:
            raise LogsUsage(
                _("no runtime {runtime} in {region}; runtimes here: {names}").format(
                    runtime=repr(ctx.runtime), region=where, names=", ".join(names[:10])
                )
            )
        raise LogsUsage(_("no runtime {runtime} in {region}").format(runtime=repr(ctx.runtime), region=where))
    return target_for(control, logs, summary, ctx.project), True


def _report_target(target: Any, verbose: bool) -> None:
    for group in target.groups:
        _say(
            verbose,
            _("log group {name} ({kind}, from {source})").format(
                name=group.name, kind=shown_kind(group.kind), source=shown_source(group.source)
            ),
        )
    for note in target.notes:
        _say(verbose, note)


def _target_json(target: Any) -> dict[str, Any]:
    return {
        "id": target.runtime_id or None,
        "name": target.name or None,
        "arn": target.arn or None,
        "log_groups": [{"name": g.name, "kind": g.kind, "source": g.source} for g in target.groups],
        "notes": target.notes,
    }


def _scan_target(
    logs: Any,
    playbook: Any,
    target: Any,
    start_ms: int,
    end_ms: int,
    session: str | None,
    grep: str | None,
    node: str | None,
    fmt: str,
    cap: int,
    via: str,
    verbose: bool,
) -> Any:
    from tui.logs.interrupt import interruptible
    from tui.logs.scan import scan

    def stream(event: Any, match: Any) -> None:
        if node and (match is None or match.node != node):
            return
        if match is None and not (session or grep):
            return  # a filter word was there but no signature matched: not an event anyone asked for
        click.echo(json.dumps(event.as_json(match), default=str))

    with interruptible() as stop:  # ctrl-c cancels the read and its threads, then says "interrupted"
        return scan(
            logs,
            playbook,
            [g.name for g in target.groups],
            start_ms,
            end_ms,
            session=session,
            grep=grep,
            node=node,
            max_events=cap,
            strategy=via,
            on_event=stream if fmt == "jsonl" else None,
            cancelled=stop,
            listed=frozenset(target.listed),
        )


def _report_read(result: Any, verbose: bool) -> None:
    stats = result.stats
    _say(verbose, _("read via {strategy}: {reason}").format(strategy=stats.strategy, reason=stats.reason))
    for pattern in stats.patterns:
        _say(verbose, _("filter pattern: {pattern}").format(pattern=pattern))
    if stats.query:
        _say(verbose, _("insights query: {query}").format(query=stats.query))
    if stats.strategy == "filter" and stats.patterns:
        _say(verbose, _("filter terms are case-sensitive in CloudWatch; events are classified again here"))
    _say(
        verbose,
        _("{events} events read in {calls} calls from {groups} group(s)").format(
            events=stats.events, calls=stats.calls, groups=len(stats.groups_read)
        ),
    )
    for note in result.notes:
        _say(verbose, note)
    for name in stats.missing_groups:
        click.echo(_missing_group(name), err=True)
    for error in stats.errors:
        click.echo(f"agentcore-triage: {error}", err=True)
    if stats.capped:
        click.echo(f"agentcore-triage: {stats.cap_message}", err=True)


def _missing_group(name: str) -> str:
    return "agentcore-triage: " + _("log group {name} does not exist (nothing to read there)").format(name=name)


def shown_kind(kind: str) -> str:
    """A log group's kind (``runtime``, ``otel``, ``extra``: JSON values) as the text output names it."""
    names = {
        "runtime": pgettext("log group kind", "runtime"),
        "otel": pgettext("log group kind", "otel"),
        "extra": pgettext("log group kind", "extra"),
    }
    return names.get(kind, kind)


def shown_source(source: str) -> str:
    """Where a group's name came from (``runtime environment``…: a JSON value) in the current language; file names
    and flags (``Dockerfile ENV``, ``--log-group``) are shown as they are."""
    return _(source)


def _when(ms: int | None) -> str:
    from tui.logs.classify import iso

    return iso(ms) or "-"


def render_text(target: Any, result: Any, playbook_id: str) -> str:
    lines = []
    head = target.label if target.runtime_id else ", ".join(result.groups)
    lines.append(f"agentcore-triage logs · {head} · {_when(result.start_ms)} → {_when(result.end_ms)}")
    kinds = {g.name: g for g in target.groups}
    shown = []
    for name in result.groups:
        ref = kinds.get(name)
        text = name
        if ref and ref.kind == "runtime":
            text = _("{name} ({kind})").format(name=name, kind=shown_kind(ref.kind))
        elif ref:
            text = _("{name} ({kind}, {source})").format(
                name=name, kind=shown_kind(ref.kind), source=shown_source(ref.source)
            )
        if name in result.stats.missing_groups:
            text = _("{group} — does not exist").format(group=text)
        shown.append(text)
    lines.append(_("groups: {groups}").format(groups="; ".join(shown)))
    ranked = result.ranked()
    if not ranked:
        events = result.stats.events
        lines.append("")
        lines.append(
            ngettext("No known error in {count} event read.", "No known error in {count} events read.", events).format(
                count=events
            )
        )
        return "\n".join(lines)
    lines.append("")
    for rank, group in enumerate(ranked, 1):
        tag = _("noise") + " · " if group.noise else ""
        where = f"[{group.node}]" if group.node else ""
        lines.append(f"{rank:>2}. {group.count:>6}×  {tag}{shown_title(group)}  {where}".rstrip())
        detail = _("first {first}  last {last}  in {groups}").format(
            first=_when(group.first_ms), last=_when(group.last_ms), groups=", ".join(group.log_groups)
        )
        if group.sessions:
            detail += "  " + _("sessions {sessions}").format(sessions=", ".join(group.sessions))
        lines.append(f"{'':12}{detail}")
        if group.why_noise:
            lines.append(f"{'':12}" + _("noise: {reason}").format(reason=_(group.why_noise)))
        sample = group.last
        if sample:
            lines.append(f"{'':12}│ {sample['message']}")
    top = next((g for g in ranked if g.node and not g.noise), None)
    if top:
        lines.append("")
        command = f"agentcore-triage run --playbook {playbook_id} --start {top.node}"
        lines.append(_("Walk from the top error: {command}").format(command=command))
    return "\n".join(lines)


def shown_title(group: Any) -> str:
    """A group's title: the node's (the playbook is already in the chosen language), the log text of built-in
    noise (verbatim), or the fixed title of the events no node explains (translated here: it is a JSON value)."""
    from tui.logs.classify import UNEXPLAINED

    return _(group.title) if group.key == UNEXPLAINED else str(group.title)


def _follow(
    logs: Any,
    playbook: Any,
    target: Any,
    start_ms: int,
    session: str | None,
    grep: str | None,
    node: str | None,
    fmt: str,
    poll_interval: float,
    verbose: bool,
) -> int:
    from tui.logs.classify import Classifier, Grouping, iso
    from tui.logs.follow import follow
    from tui.logs.interrupt import StopRequest, ctrl_c_requests
    from tui.logs.scan import server_terms
    from tui.redact import redact_text

    terms, notes = server_terms(playbook, node) if not (session or grep) else ([], [])
    grouping = Grouping(Classifier(playbook), keep_unexplained=bool(session or grep))
    stop = StopRequest()
    noise_word = _("noise")

    def on_event(event: Any, match: Any) -> None:
        if node and (match is None or match.node != node):
            return
        if match is None and not (session or grep):
            return
        if fmt == "jsonl":
            click.echo(json.dumps(event.as_json(match), default=str))
            return
        where = f"[{match.node}]" if match and match.node else (f"[{noise_word}]" if match else "[-]")
        first = redact_text(event.message.splitlines()[0] if event.message else "")[:300]
        click.echo(f"{iso(event.timestamp)} {where} {event.log_group} {first}")

    def on_poll(n: int, fresh: int, interval: float, stats: Any) -> None:
        # a missing group first: a ctrl-c right after the poll line must not lose it
        for name in stats.missing_groups if n == 1 else ():
            click.echo(_missing_group(name), err=True)
        _say(
            verbose,
            _("poll {n}: {fresh} new event(s); next in {interval:.1f} s").format(n=n, fresh=fresh, interval=interval),
        )

    for note in notes:
        _say(verbose, note)
    _say(verbose, _("following via FilterLogEvents (polling; ctrl-c ends)"))
    try:
        with ctrl_c_requests(stop):  # ctrl-c stops the loop at its next check (see tui.logs.interrupt)
            follow(
                logs,
                grouping,
                [g.name for g in target.groups],
                start_ms,
                terms=terms,
                on_event=on_event,
                on_poll=on_poll,
                stop=stop,
                session=session,
                grep=grep,
                min_interval=poll_interval,
                max_interval=max(poll_interval, 30.0),
            )
    except KeyboardInterrupt:  # a second ctrl-c (a call stuck on the network): nothing here takes a lock
        pass
    # The loop ends only when stopped: by ctrl-c. The summary touches nothing the interrupted code may hold.
    summary = ", ".join(f"{g.count}× {g.node or shown_title(g)}" for g in grouping.ranked()[:5])
    click.echo(
        "agentcore-triage: " + _("stopped following ({summary})").format(summary=summary or _("no known error")),
        err=True,
    )
    return EXIT_INTERRUPTED


ALL_RUNTIMES_WORKERS = 4
"""Runtimes read at once by ``--all-runtimes``."""


def _right(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal cells (a Japanese heading takes two cells a character)."""
    return " " * max(0, width - cell_len(text)) + text


def _all_runtimes(
    ctx: Any,
    logs: Any,
    playbook: Any,
    start_ms: int,
    end_ms: int,
    session: str | None,
    grep: str | None,
    node: str | None,
    fmt: str,
    cap: int,
    via: str,
    verbose: bool,
) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from tui.aws.session import read_only_client
    from tui.logs.interrupt import interruptible
    from tui.logs.scan import scan
    from tui.logs.targets import aws_reason, list_runtimes, target_for

    control = read_only_client(ctx, "bedrock-agentcore-control", timeout=ctx.timeout)
    summaries = list_runtimes(control)
    if not summaries:
        click.echo(_("No runtime in {region}.").format(region=control.meta.region_name))
        return EXIT_OK
    _say(
        verbose,
        _("{count} runtime(s) in {region}; reading {workers} at a time").format(
            count=len(summaries), region=control.meta.region_name, workers=ALL_RUNTIMES_WORKERS
        ),
    )

    def one(summary: dict[str, Any]) -> dict[str, Any]:
        if stop.is_set():  # ctrl-c: the runtimes not started yet are not read
            return {"target": None, "summary": summary, "result": None, "error": _("interrupted")}
        try:
            target = target_for(control, logs, summary, None, include_project=False)
            result = scan(
                logs,
                playbook,
                [g.name for g in target.groups],
                start_ms,
                end_ms,
                session=session,
                grep=grep,
                node=node,
                max_events=cap,
                strategy=via,
                cancelled=stop,
                listed=frozenset(target.listed),
            )
            return {"target": target, "result": result, "error": None}
        except Exception as exc:  # noqa: BLE001 - one runtime's failure is its row, not the run's end
            return {"target": None, "summary": summary, "result": None, "error": aws_reason(exc)}

    # The pool's threads are joined when it closes, and again at exit: ctrl-c must end their work, not only the
    # wait for it (a KeyboardInterrupt in ``map`` would leave every queued runtime to be read before the exit).
    # The pool closes first, so "interrupted" comes with every thread done.
    with (
        interruptible() as stop,
        ThreadPoolExecutor(
            max_workers=min(ALL_RUNTIMES_WORKERS, len(summaries)), thread_name_prefix="logs-runtime"
        ) as pool,
    ):
        rows = list(pool.map(one, summaries))
    out = []
    found = False
    for summary, row in zip(summaries, rows, strict=True):
        label = f"{summary.get('agentRuntimeName')} ({summary.get('agentRuntimeId')})"
        result = row["result"]
        if result is None:
            out.append({"runtime": label, "error": row["error"]})
            continue
        ranked = result.ranked()
        actionable = [g for g in ranked if g.node and not g.noise]
        found = found or bool(actionable) or bool(result.stats.errors)
        out.append(
            {
                "runtime": label,
                "id": summary.get("agentRuntimeId"),
                "events_read": result.stats.events,
                "actionable": sum(g.count for g in actionable),
                "noise": sum(g.count for g in ranked if g.noise),
                "top": [{"node": g.node, "count": g.count, "title": g.title} for g in actionable[:3]],
                "missing_groups": result.stats.missing_groups,
                "capped": result.stats.cap_message or None,
                "errors": result.stats.errors,
                **({"groups": [g.as_json() for g in ranked]} if fmt == "json" else {}),
            }
        )
    if fmt in ("json", "jsonl"):
        for row in out if fmt == "jsonl" else ():
            click.echo(json.dumps(row, default=str))
        if fmt == "json":
            click.echo(
                json.dumps({"start": _when(start_ms), "end": _when(end_ms), "runtimes": out}, indent=2, default=str)
            )
        return EXIT_FOUND if found else EXIT_OK
    click.echo(
        _("agentcore-triage logs · all runtimes · {start} → {end}").format(start=_when(start_ms), end=_when(end_ms))
    )
    click.echo()
    headings = [
        pgettext("logs table", "runtime"),
        pgettext("logs table", "events"),
        pgettext("logs table", "errors"),
        pgettext("logs table", "noise"),
        pgettext("logs table", "top error"),
    ]
    width = max(cell_len(text) for text in [headings[0], *(r["runtime"] for r in out)])
    counts = [max(cell_len(h), least) for h, least in zip(headings[1:4], (7, 7, 6), strict=True)]
    click.echo(
        "  ".join([pad_cells(headings[0], width), *(_right(h, w) for h, w in zip(headings[1:4], counts, strict=True))])
        + "  "
        + headings[4]
    )
    indent = " " * width
    for row in out:
        if "error" in row and row.get("events_read") is None:
            click.echo(
                pad_cells(row["runtime"], width) + "  " + _("could not read: {error}").format(error=row["error"])
            )
            continue
        top = ", ".join(f"{t['node']} ({t['count']}×)" for t in row["top"]) or "-"
        numbers = [row["events_read"], row["actionable"], row["noise"]]
        click.echo(
            "  ".join(
                [pad_cells(row["runtime"], width), *(_right(str(n), w) for n, w in zip(numbers, counts, strict=True))]
            )
            + "  "
            + top
        )
        for name in row["missing_groups"]:
            click.echo(f"{indent}  " + _("log group {name} does not exist").format(name=name))
        for error in row["errors"]:
            click.echo(f"{indent}  {error}")
        if row["capped"]:
            click.echo(f"{indent}  {row['capped']}")
    return EXIT_FOUND if found else EXIT_OK
