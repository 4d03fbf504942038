"""The Dockerfile reader as BuildKit reads a file (here-documents, `# escape=`, empty continuation lines) and
project.dockerfile_syntax: lines docker build refuses (an instruction word it does not know, a here-document never
closed) and version bounds a shell RUN turns into redirections."""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

from test_project_checks import run_check

from tui.cli import resolve_playbook
from tui.context import Context
from tui.engine.walk import Walk
from tui.playbook.model import DiagnosisNode
from tui.project.dockerfile import instruction_end, instructions, stages
from tui.results import Status

REAL = Path(__file__).with_name("real_projects")
SERVER = 'from mcp.server.fastmcp import FastMCP\nmcp = FastMCP("s", host="0.0.0.0", stateless_http=True)\n'


run = run_check


def project(tmp_path: Path, dockerfile: str) -> Path:
    (tmp_path / "mcp_server.py").write_text(SERVER)
    (tmp_path / "requirements.txt").write_text("mcp>=1.23.2,<2\n")
    (tmp_path / "Dockerfile").write_text(dockerfile)
    return tmp_path


def syntax(tmp_path: Path, dockerfile: str):  # type: ignore[no-untyped-def]
    return run("project.dockerfile_syntax", project(tmp_path, dockerfile))


HEREDOCS = """# syntax=docker/dockerfile:1
FROM --platform=linux/arm64 python:3.12-slim
RUN <<EOF
apt-get update
CMD ["python", "evil.py"]
USER nobody-here
EOF
RUN <<-EOT bash
\tuseradd -m -u 1000 app
\tEOT
COPY <<"EOF" /app/start.sh
FROM scratch
EOF
RUN <<A cat > /a && <<B cat > /b
USER a
A
USER b
B
RUN ["sh", "-c", "echo <<EOF"]
USER app
CMD ["python", "mcp_server.py"]
"""


def test_heredoc_bodies_are_not_instructions() -> None:
    got = [(i.line, i.keyword) for i in instructions(HEREDOCS)]
    assert got == [
        (2, "FROM"),
        (3, "RUN"),
        (8, "RUN"),
        (11, "COPY"),
        (14, "RUN"),
        (19, "RUN"),
        (20, "USER"),
        (21, "CMD"),
    ]
    final = stages(HEREDOCS)[-1]
    assert len(stages(HEREDOCS)) == 1  # `FROM scratch` is the content of /app/start.sh
    assert final.last("USER").args == "app" and final.last("CMD").line == 21
    run_, tabbed, copy, two, exec_form = (i for i in instructions(HEREDOCS) if i.keyword in ("RUN", "COPY"))
    assert exec_form.heredocs == ()  # `<<EOF` in a JSON array is a word, not a here-document
    assert run_.args == '<<EOF\napt-get update\nCMD ["python", "evil.py"]\nUSER nobody-here'  # a RUN keeps its body
    assert tabbed.heredocs[0].name == "EOT" and tabbed.heredocs[0].body == "useradd -m -u 1000 app"
    assert copy.args == '<<"EOF" /app/start.sh' and copy.heredocs[0].name == "EOF"  # a file's content is no argument
    assert [(h.name, h.line, h.body) for h in two.heredocs] == [("A", 15, "USER a"), ("B", 17, "USER b")]


def test_a_spaced_or_exec_form_heredoc_is_none_as_in_buildkit() -> None:
    """BuildKit matches `<<WORD` as one word (reHeredoc): `<< EOF` starts no here-document, its lines are instructions
    (docker build: "unknown instruction: {", RchGrav/claudebox#4)."""
    text = "FROM python\nRUN cat > /p.json << 'EOF'\n{\nEOF\n"
    assert [i.keyword for i in instructions(text)] == ["FROM", "RUN", "{", "EOF"]


def test_installs_and_users_inside_a_run_heredoc_count(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        HEREDOCS.replace(
            'CMD ["python", "mcp_server.py"]', 'CMD ["opentelemetry-instrument", "python", "mcp_server.py"]'
        ),
    )
    assert run("project.docker_user", root).status is Status.PASS  # `useradd … app` is in the <<-EOT body
    assert run("project.otel_instrument_installed", root).status is Status.FAIL  # nothing installs it yet
    (root / "Dockerfile").write_text(
        (root / "Dockerfile").read_text().replace("apt-get update\n", "pip install aws-opentelemetry-distro==0.12.2\n")
    )
    installed = run("project.otel_instrument_installed", root)
    assert installed.status is Status.PASS and "Dockerfile line 3" in installed.summary


def test_a_run_heredoc_is_quoted_on_one_line(tmp_path: Path) -> None:
    """The body is in the RUN's args for the checks that read what it installs; findings that quote the RUN (a lock
    install, an environment install) showed the whole body, breaking the one-line summary."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "s"\nversion = "0"\ndependencies = ["mcp>=1.23.2,<2"]\n'
    )
    (tmp_path / "uv.lock").write_text("version = 1\n")
    root = project(
        tmp_path,
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml ./\nRUN <<EOF\nset -e\nuv sync --frozen\nEOF\n"
        'COPY . .\nCMD ["python", "mcp_server.py"]\n',
    )
    for check in ("project.docker_lock", "project.start_environment"):
        result = run(check, root)
        assert result.status is Status.FAIL and "`RUN <<EOF`" in result.summary, result.summary
        assert "\n" not in result.summary


def test_escape_directive_and_empty_continuation_lines() -> None:
    windows = (
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n    c:\\ `\n\n    /s\nCMD a\\\nUSER x\n"
    )
    got = [(i.line, i.keyword, i.args) for i in instructions(windows)]
    assert got == [
        (2, "FROM", "mcr.microsoft.com/windows/servercore"),
        (3, "RUN", "dir c:\\ /s"),
        (7, "CMD", "a\\"),
        (8, "USER", "x"),
    ]
    assert instruction_end(windows.splitlines(keepends=True), 2) == 5
    # a directive after another comment is a comment: `\` continues lines again
    late = "# a comment\n# escape=`\nFROM python\nRUN a \\\n\n  && b\nCMD x\n"
    assert [(i.line, i.args) for i in instructions(late)][1:] == [(4, "a && b"), (7, "x")]
    assert instruction_end(late.splitlines(keepends=True), 3) == 5


def test_the_real_typescript_dockerfile_names_the_line_docker_refuses() -> None:
    result = run("project.dockerfile_syntax", REAL / "zhan9san_agentcore_samples_ts")
    assert result.status is Status.FAIL
    # moby/buildkit instructions/parse.go: "dockerfile parse error on line %d: unknown instruction: %s", as written
    assert "`dockerfile parse error on line 9: unknown instruction: npm`" in result.summary
    assert result.remediation == "Did you mean RUN? Write line 9 as `RUN npm install typescript -g`."
    assert result.evidence["unknown"] == [{"line": 9, "word": "npm"}]


def test_unknown_instruction_remedies(tmp_path: Path) -> None:
    typo = syntax(tmp_path, "FORM python:3.12\nCMD python x.py\n")
    assert typo.status is Status.FAIL
    assert (
        "unknown instruction: FORM (did you mean FROM?)" in typo.summary and typo.remediation == "Did you mean `FROM`?"
    )
    joined = syntax(tmp_path, "FROM python\nRUN apt-get update\n    && apt-get install -y curl\n")
    assert "unknown instruction: &&" in joined.summary and "end the line before it with `\\`" in joined.remediation
    spaced = syntax(tmp_path, "FROM python\nRUN cat > /p.json << 'EOF'\n{\nEOF\n")
    assert "unknown instruction: {" in spaced.summary and "(and 1 more like it)" in spaced.summary
    assert "Write `<<'EOF'`" in spaced.remediation and "Line 2 writes `<< 'EOF'`" in spaced.remediation
    # the same lines inside a real here-document, an empty continuation line, lower-case instructions: all readable
    fine = syntax(tmp_path, "from python\nRUN <<EOF\nnpm install -g x\nEOF\nrun a && \\\n\n    b\ncmd x\n")
    assert fine.status is Status.PASS and "all 4 instructions" in fine.summary


def test_a_heredoc_never_closed_stops_the_build(tmp_path: Path) -> None:
    result = syntax(tmp_path, "FROM python\nRUN <<EOF\n  pip install x\n  EOF\nCMD python x.py\n")
    assert result.status is Status.FAIL
    assert "`<<EOF` is never closed" in result.summary and "`unterminated heredoc`" in result.summary
    assert syntax(tmp_path, "FROM python\nRUN <<-EOF\n\tpip install x\n\tEOF\nCMD python x.py\n").status is Status.PASS


def test_the_shell_reads_an_unquoted_bound_as_a_redirection(tmp_path: Path) -> None:
    """What the check claims, in a real POSIX shell: `>=1.0` becomes a file `=1.0`, `<2` a missing input file."""
    done = subprocess.run(
        ["sh", "-c", "echo pip install a>=1.0; echo pip install b<2"], cwd=tmp_path, capture_output=True, text=True
    )
    assert (tmp_path / "=1.0").read_text() == "pip install a\n"
    assert done.returncode != 0 and "2" in done.stderr and "pip install b" not in done.stdout


def test_unquoted_bounds_in_run(tmp_path: Path) -> None:
    toolkit = run("project.dockerfile_syntax", REAL / "tecracer_m2m_deploy_mcp")
    assert toolkit.status is Status.WARN
    assert toolkit.summary.startswith("Dockerfile line 16: `aws-opentelemetry-distro>=0.10.1` is not quoted")
    assert "into a file named `=0.10.1`" in toolkit.summary
    assert toolkit.remediation == 'Quote the requirement: `"aws-opentelemetry-distro>=0.10.1"`.'
    broken = syntax(tmp_path, "FROM python\nRUN pip install --no-cache-dir mcp>=1.23.2,<2 boto3\n")
    assert broken.status is Status.FAIL and "`/bin/sh: 1: cannot open 2: No such file`" in broken.summary
    body = syntax(tmp_path, "FROM python\nRUN <<EOF\nset -e\npip install 'a>=1' b<=3\nEOF\n")
    assert body.status is Status.FAIL and body.summary.startswith("Dockerfile line 4: `b<=3`")
    assert "cannot open =3" in body.summary
    for fine in (
        "RUN pip install \"mcp>=1.23.2,<2\" 'boto3>=1' c\\>=1\n",
        'RUN ["pip", "install", "mcp>=1.23.2"]\n',
        "RUN pip install -r requirements.txt > /tmp/log 2>&1 && echo done>=1\n",
        "RUN python3 <<EOF\nimport sys\nassert sys.version_info>=(3,10)\nif 1<2: pass\nEOF\n",
        "RUN <<EOF\n#!/usr/bin/env python3\nx = install<2\nEOF\n",
    ):
        result = syntax(tmp_path, "FROM python\n" + fine)
        assert result.status is Status.PASS, (fine, result.summary)


def test_no_dockerfile_skips_and_the_walk_stops_at_the_broken_build(tmp_path: Path) -> None:
    (tmp_path / "mcp_server.py").write_text(SERVER)
    assert run("project.dockerfile_syntax", tmp_path).status is Status.SKIP
    walk = Walk(
        resolve_playbook("agentcore-mcp").playbook, Context(project=str(REAL / "zhan9san_agentcore_samples_ts"))
    )
    walk.answer("4")
    for _ in range(10):
        if isinstance(walk.node, DiagnosisNode):
            break
        asyncio.run(walk.advance())
    assert walk.current == "project-dockerfile-unreadable", walk.explain()


def test_a_shell_form_run_on_an_image_without_bin_sh_stops_the_build(tmp_path: Path) -> None:
    """RUN in shell form runs `/bin/sh -c`; distroless (its `:debug` BusyBox is `/busybox/sh`) and Chainguard runtime
    images have none. Real: github/github-mcp-server#121, GoogleContainerTools/distroless#419,
    improbable-eng/etcd-cluster-operator#126."""

    def verdict(text: str) -> tuple[Status, str]:
        r = run("project.dockerfile_syntax", project(tmp_path, text))
        return r.status, r.summary

    for text, line in (
        ('FROM gcr.io/distroless/base-debian12\nRUN apk add git || true\nCMD ["/server"]\n', 2),
        ("FROM gcr.io/distroless/java:debug\nRUN mkdir /opt/myfolder\n", 2),  # distroless#419's own Dockerfile
        ("FROM python:3.12 AS deps\nRUN pip install mcp\nFROM cgr.dev/chainguard/python:latest\nRUN echo hi\n", 4),
        ("FROM gcr.io/distroless/python3-debian12 AS base\nFROM base\nRUN mkdir /x\n", 3),  # built FROM that stage
    ):
        status, summary = verdict(text)
        assert status is Status.FAIL, text
        assert f"line {line}: RUN in shell form" in summary and "stat /bin/sh: no such file or directory" in summary
    for text in (
        'FROM gcr.io/distroless/java:debug\nSHELL ["/busybox/sh", "-c"]\nRUN mkdir /opt/myfolder\n',
        'FROM gcr.io/distroless/python3-debian12\nRUN ["/usr/bin/python3", "-c", "print(1)"]\n',  # exec form
        "FROM python:3.12 AS build\nRUN pip install x\nFROM gcr.io/distroless/python3-debian12\nCOPY --from=build /x /x\n",
        "FROM cgr.dev/chainguard/python:latest-dev\nRUN pip install x\n",
    ):
        assert verdict(text)[0] is Status.PASS, text


def test_the_shell_form_run_search_is_one_pass_over_many_stages(tmp_path: Path) -> None:
    """A Dockerfile within the scan's 256 KB holds up to ~36,000 stages; finding each stage's base by building its
    chain again (a pass over every stage before it) was quadratic: 30,000 stages took tens of seconds. The ceiling is
    far over the one-pass time on a loaded 2-core machine and far under the quadratic one."""
    dockerfile = "FROM a\n" * 30_000 + "FROM gcr.io/distroless/python3-debian12\nRUN mkdir /x\n"
    started = time.process_time()
    result = run("project.dockerfile_syntax", project(tmp_path, dockerfile))
    assert result.status is Status.FAIL and "line 30002: RUN in shell form" in result.summary
    assert time.process_time() - started < 5
