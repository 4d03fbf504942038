"""``match`` (which node explains this error text), ``playbooks``, ``checks`` and ``fixes``: what the product knows."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from tui.app.icons import RISK_LABEL
from tui.cli.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    UsageProblem,
    err,
    handle_errors,
    lang_option,
    main,
    resolve_playbook,
)
from tui.i18n import _, cell_len, ngettext, pad_cells


@main.command()
@lang_option()
@click.argument("text")
@click.option("--playbook", "playbook_ref", metavar="ID|PATH", help="Only this playbook (default: all shipped).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def match(text: str, playbook_ref: str | None, fmt: str) -> None:
    """Rank the nodes whose signatures match TEXT (`-` reads stdin; a file path reads that log file)."""
    from tui.playbook.loader import shipped_playbook_files
    from tui.playbook.matching import MatchInputError, rank, read_match, read_stdin_tail
    from tui.playbook.search import search_nodes

    try:
        found = read_match(text, read_stdin_tail(sys.stdin.buffer) if text == "-" else None)
    except (MatchInputError, OSError) as exc:
        raise UsageProblem(_("match: {reason}").format(reason=exc)) from None
    # Bytes of the command line that are not UTF-8 arrive as lone surrogates, which the pattern engine cannot encode
    # (a file or stdin is decoded with replacement already): the same replacement here.
    text = re.sub("[\ud800-\udfff]", "\ufffd", found.text)
    if found.read_bytes:
        err(
            _(
                "match: matched the end of {size} bytes (a log's newest lines); to match an earlier error, give that "
                "line itself"
            ).format(size=f"{found.read_bytes:,}")
            + (" " + _("(stdin was still sending: stopped reading)") if found.stopped else "")
        )
    books = (
        [resolve_playbook(playbook_ref)]
        if playbook_ref
        else [resolve_playbook(str(f)) for f in shipped_playbook_files()]
    )
    hits = []
    for loaded in books:
        noise = {m.node for m in rank(loaded.playbook, text) if m.noise}
        for node_id, score in search_nodes(loaded.playbook, text):
            hits.append(
                {
                    "playbook": loaded.playbook.id,
                    "node": node_id,
                    "title": loaded.playbook.nodes[node_id].title,
                    "score": score,
                    "noise": node_id in noise,
                }
            )
    hits.sort(key=lambda h: (h["noise"], -h["score"]))
    if fmt == "json":
        click.echo(json.dumps(hits, indent=2))
    elif not hits:
        click.echo(_("No node explains that text. Try a shorter excerpt (the error line itself)."))
    else:
        for position, hit in enumerate(hits, 1):
            score_text = ngettext("{count} signature", "{count} signatures", hit["score"]).format(count=hit["score"])
            noise_note = _(", known noise") if hit["noise"] else ""
            click.echo(f"{position}. {hit['title']}  [{hit['playbook']}:{hit['node']}]  ({score_text}{noise_note})")
        top = hits[0]
        command = f"agentcore-triage run --playbook {top['playbook']} --start {top['node']}"
        click.echo(
            "\n" + _("Walk from there: {command}   (in the TUI: press / and paste the text)").format(command=command)
        )
    sys.exit(EXIT_OK if hits else EXIT_PROBLEMS)


@main.group()
def playbooks() -> None:
    """Validate, list and describe playbooks."""


@playbooks.command("validate")
@lang_option()
@click.argument("paths", nargs=-1, type=click.Path())
@handle_errors
def playbooks_validate(paths: tuple[str, ...]) -> None:
    """Check schema and graph of playbooks (default: every shipped one); errors as file:line:col."""
    from tui.files import is_dir
    from tui.playbook.loader import shipped_playbook_files
    from tui.playbook.validate import validate_file

    files: list[Path] = []
    for p in paths or [str(f) for f in shipped_playbook_files()]:
        path = Path(p)
        # a name too long for a file is no directory: validate_file reports it as unreadable
        files += sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if is_dir(path) else [path]
    if not files:
        raise UsageProblem(_("no playbook files given or found"))
    count = 0
    for file in files:
        _loaded, errors = validate_file(file)
        for error in errors:
            click.echo(str(error))
        count += sum(1 for e in errors if not e.message.startswith("warning: "))
        if not errors:
            err(_("ok  {file}").format(file=file))
    if count:
        errors_text = ngettext("{count} error", "{count} errors", count).format(count=count)
        err(
            ngettext("{errors} in {count} file", "{errors} in {count} files", len(files)).format(
                errors=errors_text, count=len(files)
            )
        )
        sys.exit(EXIT_USAGE)


@playbooks.command("schema")
@lang_option()
def playbooks_schema() -> None:
    """Print the JSON Schema of the playbook format (for yaml-language-server)."""
    from tui.playbook.model import Playbook

    schema = Playbook.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://agentcore-triage.dev/schema/playbook.json"
    click.echo(json.dumps(schema, indent=2))


@playbooks.command("list")
@lang_option()
@handle_errors
def playbooks_list() -> None:
    """List shipped playbooks."""
    from tui.playbook.loader import PlaybookLoadError, load_playbook, shipped_playbook_files

    for file in shipped_playbook_files():
        try:
            pb = load_playbook(file).playbook
            nodes = ngettext("{count} node", "{count} nodes", len(pb.nodes)).format(count=f"{len(pb.nodes):>3}")
            click.echo(f"{pb.id:<24} {nodes}  {pb.title}  ({file.name})")
        except PlaybookLoadError as exc:
            click.echo(f"{file.stem:<24} " + _("invalid: {error}").format(error=exc.errors[0]))


@main.group()
def checks() -> None:
    """List the registered checks."""


@checks.command("list")
@lang_option()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def checks_list(fmt: str) -> None:
    """Every check: id, severity, title, what it needs and the facts it publishes."""
    from tui.registry import load_all

    specs = sorted(load_all().checks.values(), key=lambda s: s.id)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "title": s.title,
                        "severity": s.severity.value,
                        "needs": list(s.needs),
                        "publishes": list(s.publishes),
                        "params": s.params.model_json_schema(),
                        "description": s.description,
                    }
                    for s in specs
                ],
                indent=2,
            )
        )
        return
    for s in specs:
        click.echo(f"{s.id:<26} {pad_cells(_(s.severity.value), 8)} {_(s.title)}")


@main.group()
def fixes() -> None:
    """List the registered fixes."""


@fixes.command("list")
@lang_option()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def fixes_list(fmt: str) -> None:
    """Every fix: id, risk class, whether it can be undone, and the permissions it needs."""
    from tui.registry import load_all

    specs = sorted(load_all().fixes.values(), key=lambda s: s.id)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "title": s.title,
                        "risk": s.risk.value,
                        "undoable": s.undoable,
                        "permissions": list(s.permissions),
                        "description": s.description,
                    }
                    for s in specs
                ],
                indent=2,
            )
        )
        return
    for s in specs:
        undo = pad_cells(_("undo") if s.undoable else "", cell_len(_("undo")))
        risk = _(RISK_LABEL.get(s.risk.value, s.risk.value))
        click.echo(f"{s.id:<28} {pad_cells(risk, 11)} {undo}  {_(s.title)}")
        if s.permissions:
            click.echo(f"{'':<28} " + _("needs: {permissions}").format(permissions=", ".join(s.permissions)))
