"""project.start_script: the shell script the image starts must be able to run at all, on projects in tmp_path.

Before, a script with Windows line endings only made the checks that read it say could-not-run, and a script without
its exec bit or with a shebang the base image lacks was not looked at: the container never starts (the runtime never
answers, clients get `-32010`/424) and nothing said why. The real texts:

- CRLF: `exec /docker-entrypoint.sh: no such file or directory` (https://github.com/bodleian/iiif-static-choices/issues/20,
  https://github.com/ericc-ch/copilot-api/issues/137: the kernel looks for `/bin/sh\\r`);
- no exec bit: `exec: "/entrypoint.sh": permission denied: unknown` (https://github.com/aminvakil/docker-ocserv/issues/52,
  https://github.com/infamousjoeg/conjur-action/issues/17, fixed by `RUN chmod +x /entrypoint.sh`);
- `#!/bin/bash` on alpine: BusyBox ash is alpine's only shell
  (https://www.khueapps.com/blog/article/how-to-fix-standard-init-linux-go-exec-user-process-caused-exec-format-error:
  "no such file or directory (when the file exists but the interpreter doesn't)");
- `CMD ["bash", "start.sh"]` on alpine: the start command's own shell is missing, `exec: "bash": executable file not
  found in $PATH` (runc; docker/compose and moby issues quote it), `/bin/sh: bash: not found` in shell form. Before,
  this passed as "read by a shell, so it needs no exec bit".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_project_checks import run_check
from test_project_diagnoses import walk

from tui.context import Context
from tui.engine.fixing import apply_plan, plan_fix, undo_record
from tui.results import CheckResult, SkipReason, Status

SERVER = 'from mcp.server.fastmcp import FastMCP\nmcp = FastMCP("s", host="0.0.0.0", stateless_http=True)\n'
REQUIREMENTS = "mcp>=1.23.2,<2\naws-opentelemetry-distro>=0.18.0\n"
SLIM = "FROM --platform=linux/arm64 python:3.13-slim\n"
ALPINE = "FROM --platform=linux/arm64 python:3.13-alpine\n"
BODY = "WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n"
EXEC_FORM = 'ENTRYPOINT ["/app/entrypoint.sh"]\n'
SCRIPT = "#!/bin/sh\nset -e\nexec opentelemetry-instrument python server.py\n"
BASH_SCRIPT = "#!/bin/bash\nset -euo pipefail\nexec opentelemetry-instrument python server.py\n"


def project(
    root: Path, tail: str = EXEC_FORM, script: str | bytes = SCRIPT, mode: int = 0o755, base: str = SLIM
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "server.py").write_text(SERVER)
    (root / "requirements.txt").write_text(REQUIREMENTS)
    (root / "Dockerfile").write_text(base + BODY + tail)
    data = script.encode() if isinstance(script, str) else script
    (root / "entrypoint.sh").write_bytes(data)
    (root / "entrypoint.sh").chmod(mode)
    return root


def run(root: Path) -> CheckResult:
    return run_check("project.start_script", root)


def test_crlf_line_endings_fail_naming_the_file_and_the_first_line(tmp_path: Path) -> None:
    root = project(tmp_path, script=SCRIPT.replace("\n", "\r\n"))
    result = run(root)
    assert result.status is Status.FAIL
    assert "entrypoint.sh line 1" in result.summary and "CRLF" in result.summary
    assert "no such file or directory" in result.summary


def test_crlf_from_a_later_line_names_that_line_and_fails_under_sh_too(tmp_path: Path) -> None:
    script = "#!/bin/sh\nset -e\r\nexec python server.py\r\n"
    root = project(tmp_path, 'CMD ["sh", "/app/entrypoint.sh"]\n', script, mode=0o644)
    result = run(root)
    assert result.status is Status.FAIL
    assert "entrypoint.sh line 2" in result.summary and "CRLF" in result.summary


@pytest.mark.parametrize("tail", [EXEC_FORM, 'CMD ["./entrypoint.sh"]\n', "ENTRYPOINT /app/entrypoint.sh\n"])
def test_a_script_without_its_exec_bit_fails(tmp_path: Path, tail: str) -> None:
    root = project(tmp_path, tail, mode=0o644)
    result = run(root)
    assert result.status is Status.FAIL
    assert "entrypoint.sh" in result.summary and "permission denied" in result.summary
    assert "chmod +x" in (result.remediation or "")


@pytest.mark.parametrize(
    "tail",
    [
        "RUN chmod +x /app/entrypoint.sh\n" + EXEC_FORM,
        "RUN chmod 755 entrypoint.sh && useradd app\n" + EXEC_FORM,
        'RUN ["chmod", "a+x", "/app/entrypoint.sh"]\n' + EXEC_FORM,
        "COPY --chmod=755 entrypoint.sh /app/entrypoint.sh\n" + EXEC_FORM,
    ],
)
def test_a_chmod_in_the_dockerfile_gives_the_exec_bit(tmp_path: Path, tail: str) -> None:
    root = project(tmp_path, tail, mode=0o644)
    result = run(root)
    assert result.status is Status.PASS, result.summary


def test_a_chmod_of_another_file_does_not_count(tmp_path: Path) -> None:
    root = project(tmp_path, "RUN chmod +x /app/other.sh\n" + EXEC_FORM, mode=0o644)
    assert run(root).status is Status.FAIL


@pytest.mark.parametrize("tail", ['CMD ["sh", "/app/entrypoint.sh"]\n', "CMD bash entrypoint.sh\n"])
def test_a_script_run_by_a_shell_needs_no_exec_bit(tmp_path: Path, tail: str) -> None:
    root = project(tmp_path, tail, mode=0o644)
    result = run(root)
    assert result.status is Status.PASS, result.summary


def test_lf_and_executable_passes_saying_what_was_verified(tmp_path: Path) -> None:
    result = run(project(tmp_path))
    assert result.status is Status.PASS
    assert "entrypoint.sh" in result.summary and "LF" in result.summary and "executable" in result.summary


def test_bash_shebang_on_alpine_fails(tmp_path: Path) -> None:
    root = project(tmp_path, script=BASH_SCRIPT, base=ALPINE)
    result = run(root)
    assert result.status is Status.FAIL
    assert "entrypoint.sh line 1" in result.summary and "bash" in result.summary and "alpine" in result.summary


@pytest.mark.parametrize(
    ("base", "tail"),
    [
        (ALPINE, "RUN apk add --no-cache bash\n" + EXEC_FORM),
        (ALPINE, 'CMD ["sh", "/app/entrypoint.sh"]\n'),  # sh reads it; the shebang is a comment then
        (SLIM, EXEC_FORM),
        ("FROM --platform=linux/arm64 ubuntu:24.04\n", EXEC_FORM),
        ("FROM --platform=linux/arm64 registry.example.com/base:1\n", EXEC_FORM),  # not known: not judged
    ],
)
def test_bash_shebang_passes_where_bash_is_or_cannot_be_told(tmp_path: Path, base: str, tail: str) -> None:
    result = run(project(tmp_path, tail, BASH_SCRIPT, base=base))
    assert result.status is Status.PASS, result.summary


@pytest.mark.parametrize(
    ("tail", "error"),
    [
        ('CMD ["bash", "/app/entrypoint.sh"]\n', 'exec: "bash": executable file not found in $PATH'),
        ('ENTRYPOINT ["/bin/bash", "entrypoint.sh"]\n', 'exec: "/bin/bash": executable file not found in $PATH'),
        ("CMD bash entrypoint.sh\n", "/bin/sh: bash: not found"),
        ('ENTRYPOINT ["tini", "--", "bash", "/app/entrypoint.sh"]\n', "bash: not found"),
    ],
)
def test_a_start_command_running_bash_on_alpine_fails(tmp_path: Path, tail: str, error: str) -> None:
    """The script itself is fine (`#!/bin/sh`, LF): the shell the command names is what the image lacks."""
    result = run(project(tmp_path, tail, base=ALPINE, mode=0o644))
    assert result.status is Status.FAIL, result.summary
    assert "`bash`" in result.summary and "python:3.13-alpine" in result.summary and error in result.summary
    assert "apk add --no-cache bash" in (result.remediation or "")
    # the line-endings fix cannot help here, and is not offered
    assert "project.script_line_endings" in result.withheld_fixes


def test_bash_c_on_alpine_fails_without_any_script(tmp_path: Path) -> None:
    root = project(tmp_path, 'CMD ["bash", "-c", "exec opentelemetry-instrument python server.py"]\n', base=ALPINE)
    result = run(root)
    assert result.status is Status.FAIL and 'exec: "bash": executable file not found' in result.summary
    assert result.evidence["shell"] == "bash"


@pytest.mark.parametrize(
    ("base", "tail"),
    [
        (ALPINE, "RUN apk add --no-cache bash curl\n" + 'CMD ["bash", "/app/entrypoint.sh"]\n'),
        (ALPINE, 'CMD ["sh", "-c", "exec python server.py"]\n'),
        (SLIM, 'CMD ["bash", "-c", "exec python server.py"]\n'),
    ],
)
def test_a_start_command_shell_the_image_has_is_not_failed(tmp_path: Path, base: str, tail: str) -> None:
    result = run(project(tmp_path, tail, base=base))
    assert result.status is not Status.FAIL, result.summary


DISTROLESS = (
    "FROM --platform=linux/arm64 python:3.13-slim AS build\nWORKDIR /app\nCOPY . .\n"
    "RUN pip install --target /app/deps -r requirements.txt\n"
    "FROM --platform=linux/arm64 gcr.io/distroless/python3-debian12:nonroot\n"
)
DEBUG = DISTROLESS.replace(":nonroot", ":debug-nonroot")
DISTROLESS_BODY = "WORKDIR /app\nCOPY --from=build /app /app\nENV PYTHONPATH=/app/deps\n"


def distroless(root: Path, tail: str, base: str = DISTROLESS) -> Path:
    project(root, tail)
    (root / "Dockerfile").write_text(base + DISTROLESS_BODY + tail)
    return root


@pytest.mark.parametrize(
    ("tail", "error"),
    [
        (EXEC_FORM, "exec /app/entrypoint.sh: no such file or directory"),  # `#!/bin/sh`, and no /bin/sh
        ('CMD ["sh", "/app/entrypoint.sh"]\n', 'exec: "sh": executable file not found in $PATH'),
        ("CMD python3 server.py\n", 'exec: "/bin/sh": stat /bin/sh: no such file or directory'),  # shell form
    ],
    ids=["script", "sh-script", "shell-form"],
)
def test_a_shell_on_a_distroless_image_fails(tmp_path: Path, tail: str, error: str) -> None:
    """distroless has no shell at all (https://github.com/GoogleContainerTools/distroless: "no shells"): a start
    script, `sh …` or a shell-form command cannot run there."""
    result = run(distroless(tmp_path, tail))
    assert result.status is Status.FAIL, result.summary
    assert "gcr.io/distroless/python3-debian12:nonroot" in result.summary and "no shell" in result.summary
    assert error in result.summary
    assert "exec form" in (result.remediation or "")


@pytest.mark.parametrize(
    ("base", "tail"),
    [
        (DISTROLESS, 'ENTRYPOINT ["python3", "server.py"]\n'),  # exec form, no shell needed: no script, skipped
        (DEBUG, 'CMD ["sh", "/app/entrypoint.sh"]\n'),  # :debug's BusyBox sh, found on the PATH
        (
            DISTROLESS.replace("gcr.io/distroless/python3-debian12:nonroot", "cgr.dev/chainguard/python:latest-dev"),
            EXEC_FORM,
        ),
    ],
    ids=["exec-form", "debug-sh-by-name", "chainguard-dev"],
)
def test_a_distroless_start_without_a_shell_or_with_busybox_is_not_failed(tmp_path: Path, base: str, tail: str) -> None:
    result = run(distroless(tmp_path, tail, base))
    assert result.status is not Status.FAIL, result.summary


@pytest.mark.parametrize(
    ("tail", "script", "error"),
    [
        (EXEC_FORM, SCRIPT, "`exec /app/entrypoint.sh: no such file or directory`"),  # `#!/bin/sh`
        ("CMD python3 server.py\n", SCRIPT, '`exec: "/bin/sh": stat /bin/sh: no such file or directory`'),
        (
            'CMD ["/bin/sh", "/app/entrypoint.sh"]\n',
            SCRIPT,
            '`exec: "/bin/sh": stat /bin/sh: no such file or directory`',
        ),
        ('CMD ["bash", "/app/entrypoint.sh"]\n', SCRIPT, '`exec: "bash": executable file not found in $PATH`'),
    ],
    ids=["shebang", "shell-form", "bin-sh", "bash"],
)
def test_a_distroless_debug_image_has_busybox_sh_under_busybox_and_no_bin_sh(
    tmp_path: Path, tail: str, script: str, error: str
) -> None:
    """distroless `:debug` links BusyBox under `/busybox` only (`/busybox/sh`, on the PATH; static/static.bzl,
    experimental/busybox/commands.bzl): no `/bin/sh`, so a `#!/bin/sh` script, a shell-form command and `/bin/sh` by
    path cannot run, and there is no bash (distroless#419 for RUN). The check had said `:debug` carries a shell."""
    root = distroless(tmp_path, tail, DEBUG)
    (root / "entrypoint.sh").write_text(script)
    result = run(root)
    assert result.status is Status.FAIL, result.summary
    assert error in result.summary and "/busybox" in result.summary
    assert "/busybox/sh" in (result.remediation or "")


@pytest.mark.parametrize(
    ("tail", "script"),
    [
        (EXEC_FORM, SCRIPT.replace("#!/bin/sh", "#!/busybox/sh")),
        ('SHELL ["/busybox/sh", "-c"]\nCMD python3 server.py\n', SCRIPT),  # a SHELL serves shell-form CMD too
        ('CMD ["/busybox/sh", "/app/entrypoint.sh"]\n', SCRIPT),
        (EXEC_FORM, SCRIPT.replace("#!/bin/sh", "#!/usr/bin/env sh")),  # not judged: /usr/bin/env is not known
    ],
    ids=["busybox-shebang", "shell-instruction", "busybox-path", "env-not-judged"],
)
def test_busybox_sh_on_a_distroless_debug_image_is_not_failed(tmp_path: Path, tail: str, script: str) -> None:
    root = distroless(tmp_path, tail, DEBUG)
    (root / "entrypoint.sh").write_text(script)
    result = run(root)
    assert result.status is not Status.FAIL, result.summary


def test_chainguard_runtime_images_have_no_shell_either(tmp_path: Path) -> None:
    base = DISTROLESS.replace("gcr.io/distroless/python3-debian12:nonroot", "cgr.dev/chainguard/python:latest")
    result = run(distroless(tmp_path, EXEC_FORM, base))
    assert result.status is Status.FAIL and "no shell" in result.summary


@pytest.mark.parametrize(
    ("base", "said"),
    [
        (SLIM, "`python:3.13-slim` is Debian-based and has bash"),
        ("FROM --platform=linux/arm64 ghcr.io/astral-sh/uv:python3.12-bookworm-slim\n", "is Debian-based and has bash"),
        ("FROM --platform=linux/arm64 registry.example.com/base:1\n", "bash in the base image is not judged"),
        ("FROM --platform=linux/arm64 python:3.13-windowsservercore\n", "bash in the base image is not judged"),
    ],
    ids=["python-slim", "uv-bookworm", "private", "windows"],
)
def test_a_bash_shebang_says_whether_the_base_image_is_known_to_have_bash(tmp_path: Path, base: str, said: str) -> None:
    """Before: "bash in the base image is not judged" on python:*-slim too, which is Debian and has bash."""
    result = run(project(tmp_path, script=BASH_SCRIPT, base=base))
    assert result.status is Status.PASS and said in result.summary, result.summary


GOSU_SCRIPT = "#!/bin/sh\nset -e\nexec gosu app opentelemetry-instrument python server.py\n"


@pytest.mark.parametrize(
    ("base", "script", "error"),
    [
        (SLIM, GOSU_SCRIPT, "/app/entrypoint.sh: 3: exec: gosu: not found"),  # dash
        (
            ALPINE,
            GOSU_SCRIPT.replace("gosu app", "su-exec 1000"),
            "/app/entrypoint.sh: exec: line 3: su-exec: not found",
        ),
        (SLIM, GOSU_SCRIPT.replace("#!/bin/sh", "#!/bin/bash"), "/app/entrypoint.sh: line 3: exec: gosu: not found"),
    ],
    ids=["slim-gosu", "alpine-su-exec", "bash-gosu"],
)
def test_a_step_down_program_the_image_lacks_fails(tmp_path: Path, base: str, script: str, error: str) -> None:
    """An entrypoint copied from a database image (`exec gosu app …`): no python/debian/alpine image has gosu or
    su-exec (factoriotools/factorio-docker#181, greenbone/pg-gvm#30). Before, the script passed."""
    result = run(project(tmp_path, script=script, base=base))
    assert result.status is Status.FAIL, result.summary
    assert "entrypoint.sh line 3" in result.summary and error in result.summary
    assert "USER" in (result.remediation or "")


@pytest.mark.parametrize(
    ("base", "tail"),
    [
        (SLIM, "RUN apt-get update && apt-get install -y gosu\n" + EXEC_FORM),
        (SLIM, "COPY --from=tianon/gosu /gosu /usr/local/bin/\n" + EXEC_FORM),
        ("FROM --platform=linux/arm64 registry.example.com/base:1\n", EXEC_FORM),  # a base not known: not judged
    ],
    ids=["apt-installed", "copied", "unknown-base"],
)
def test_a_step_down_program_the_image_gets_or_may_have_passes(tmp_path: Path, base: str, tail: str) -> None:
    result = run(project(tmp_path, tail, GOSU_SCRIPT, base=base))
    assert result.status is Status.PASS, result.summary


def test_sh_shebang_on_alpine_passes(tmp_path: Path) -> None:
    assert run(project(tmp_path, base=ALPINE)).status is Status.PASS


def test_a_start_command_without_a_script_is_skipped(tmp_path: Path) -> None:
    result = run(project(tmp_path, 'CMD ["python", "server.py"]\n'))
    assert result.status is Status.SKIP and result.skip_reason is not SkipReason.COULD_NOT_RUN
    assert "runs no shell script" in result.summary


def test_a_script_not_in_the_project_could_not_be_run(tmp_path: Path) -> None:
    root = project(tmp_path, 'ENTRYPOINT ["/usr/local/bin/start.sh"]\n')
    result = run(root)
    assert result.status is Status.SKIP and result.skip_reason is SkipReason.COULD_NOT_RUN
    assert "not in the project" in result.summary


def test_the_fix_converts_crlf_and_undo_restores_byte_for_byte(tmp_path: Path) -> None:
    original = SCRIPT.replace("\n", "\r\n").encode()
    root = project(tmp_path, script=original)
    ctx = Context(project=str(root))
    fix = plan_fix("project.script_line_endings", {"dir": str(root)}, ctx, {})
    assert [a.path for a in fix.actions] == [str(root / "entrypoint.sh")]
    # The carriage returns the fix removes are visible in the preview (seen at 80x24: the removed and the added lines
    # looked the same), and the diff holds no raw CR a terminal would hide.
    assert "-set -e␍\n" in fix.actions[0].diff and "+set -e\n" in fix.actions[0].diff
    assert "\r" not in fix.actions[0].diff and "\r" not in fix.undo[0].diff
    assert any("␍" in note for note in fix.notes)
    record = apply_plan(fix, ctx)
    assert record.outcome == "applied", record.error
    assert (root / "entrypoint.sh").read_bytes() == SCRIPT.encode()
    assert run(root).status is Status.PASS
    undone, _ = undo_record(None, ctx)
    assert undone.outcome == "undone", undone.error
    assert (root / "entrypoint.sh").read_bytes() == original


def test_the_fix_refuses_when_the_script_changed_since_the_preview(tmp_path: Path) -> None:
    root = project(tmp_path, script=SCRIPT.replace("\n", "\r\n"))
    ctx = Context(project=str(root))
    fix = plan_fix("project.script_line_endings", {"dir": str(root)}, ctx, {})
    (root / "entrypoint.sh").write_bytes(b"#!/bin/sh\r\nexec python server.py\r\n")
    record = apply_plan(fix, ctx)
    assert record.outcome != "applied"
    assert (root / "entrypoint.sh").read_bytes() == b"#!/bin/sh\r\nexec python server.py\r\n"


def test_the_fix_has_nothing_to_do_on_lf(tmp_path: Path) -> None:
    root = project(tmp_path)
    fix = plan_fix("project.script_line_endings", {"dir": str(root)}, Context(project=str(root)), {})
    assert fix.actions == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"script": SCRIPT.replace("\n", "\r\n")},
        {"mode": 0o644},
        {"script": BASH_SCRIPT, "base": ALPINE},
        {"tail": 'CMD ["bash", "/app/entrypoint.sh"]\n', "base": ALPINE},
    ],
    ids=["crlf", "exec-bit", "alpine-bash", "alpine-bash-command"],
)
def test_the_walk_reaches_the_start_script_diagnosis(tmp_path: Path, kwargs: dict[str, Any]) -> None:
    report = walk(project(tmp_path, **kwargs))
    assert report["results"]["project-start"]["project.start_script"]["status"] == "fail"
    assert report["end"]["node"] == "image-start-script"
