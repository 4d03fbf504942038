"""Checks on the Dockerfile where an image or start-up failure is visible before the build:
the platform (AgentCore runs linux/arm64), the USER, and opentelemetry-instrument without the distro.
"""

from __future__ import annotations

import re
from pathlib import Path

from tui.checks.base import CheckContext
from tui.checks.project import ProjectParams
from tui.registry import check
from tui.results import CheckResult, Severity, failed, passed, skipped, warned

NOT_ARM = re.compile(r"amd64|x86[_-]?64|\bi?386\b|linux/arm(/v[67])?$", re.IGNORECASE)
ARM64 = re.compile(r"arm64|aarch64", re.IGNORECASE)
# Official per-architecture repositories on Docker Hub (amd64/python, arm64v8/python).
ARCH_REPOSITORY = re.compile(r"^(?:docker\.io/)?(amd64|i386|arm32v[67]|arm64v8)/", re.IGNORECASE)
SYSTEM_USERS = frozenset({"root", "nobody", "daemon", "bin", "sys", "www-data", "mail", "games"})
INSTRUMENT_PACKAGES = re.compile(
    r"\b(aws[-_.]opentelemetry[-_.]distro|opentelemetry[-_.]distro|opentelemetry[-_.]instrumentation)\b", re.IGNORECASE
)


def _docker(params: ProjectParams):  # type: ignore[no-untyped-def]
    from tui.project.dockerfile import stages
    from tui.project.scan import scan_project

    scan = scan_project(params.dir)
    return scan, (stages(scan.dockerfile) if scan.dockerfile is not None else None)


def _image_arch(image: str) -> str | None:
    """'amd64'/'arm64' when the image reference itself names an architecture, else None."""
    repo = ARCH_REPOSITORY.match(image)
    if repo:
        return "arm64" if repo.group(1).lower() == "arm64v8" else repo.group(1).lower()
    tag = image.rsplit("/", 1)[-1].partition(":")[2]
    if tag and NOT_ARM.search(tag):
        return "amd64"
    if tag and ARM64.search(tag):
        return "arm64"
    return None


@check(
    "project.docker_platform",
    title="The image is built for linux/arm64",
    severity=Severity.CRITICAL,
    params=ProjectParams,
    needs=("project",),
    remediation="Build with `docker buildx build --platform linux/arm64` or write `FROM --platform=linux/arm64 …`.",
)
def docker_platform(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """AgentCore Runtime runs ARM64 only: a FROM pinned to amd64 (flag, arch repository or tag) starts with `exec format error`."""
    from tui.context import agentcore_agent

    scan, found = _docker(params)
    configured = str(agentcore_agent(scan.root).get("platform") or "")
    evidence: dict[str, object] = {"agentcore_yaml_platform": configured or None}
    if configured and NOT_ARM.search(configured):
        return failed(
            f".bedrock_agentcore.yaml builds for {configured}: AgentCore runs linux/arm64, the container fails with `exec format error`",
            evidence=evidence,
            remediation="Set `platform: linux/arm64` in .bedrock_agentcore.yaml (agentcore configure) and build again.",
        )
    if not found:
        if found is None:
            return skipped("no Dockerfile (the toolkit builds ARM64 by default)")
        return failed("the Dockerfile has no FROM", evidence=evidence)
    final = found[-1]
    evidence |= {"stages": [{"line": s.line, "from": s.image, "platform": s.platform} for s in found]}
    for stage in found:
        arch = stage.platform if stage.platform and "$" not in stage.platform else None
        bad = (arch and NOT_ARM.search(arch)) or _image_arch(stage.image) not in (None, "arm64")
        if not bad:
            continue
        what = f"--platform={stage.platform}" if arch and NOT_ARM.search(arch) else stage.image
        if stage is final:
            return failed(
                f"Dockerfile line {stage.line}: the final stage is `FROM {what}`, not linux/arm64: "
                "AgentCore starts it with `exec format error`",
                evidence=evidence,
            )
        return warned(
            f"Dockerfile line {stage.line}: build stage `FROM {what}` is not arm64; binaries copied from it into the "
            "arm64 image fail with `exec format error`",
            evidence=evidence,
        )
    pinned = (final.platform and ARM64.search(final.platform)) or _image_arch(final.image) == "arm64"
    if pinned:
        return passed(f"Dockerfile line {final.line}: FROM pins linux/arm64", evidence=evidence)
    if configured and ARM64.search(configured):
        return passed(f".bedrock_agentcore.yaml builds for {configured}", evidence=evidence)
    return warned(
        "nothing in the project pins linux/arm64: a plain `docker build` on an x86 machine makes an image that "
        "fails with `exec format error` on AgentCore",
        evidence=evidence,
        remediation="Build with `--platform linux/arm64` (the toolkit's CodeBuild deploy does), or write "
        "`FROM --platform=linux/arm64 …`.",
    )


@check(
    "project.docker_user",
    title="The Dockerfile's USER exists in the image",
    severity=Severity.MEDIUM,
    params=ProjectParams,
    needs=("project",),
    remediation="Create the user in the final stage and switch to its id: `RUN useradd -m -u 1000 app` then `USER 1000`.",
)
def docker_user(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """A USER name that no RUN of the final stage creates fails with `unable to find user`; a numeric id always resolves."""
    _, found = _docker(params)
    if not found:
        return skipped("no Dockerfile" if found is None else "the Dockerfile has no FROM")
    final = found[-1]
    user = final.last("USER")
    if user is None:
        return passed("no USER: the server runs as root in its microVM")
    name = user.args.split(":", 1)[0].strip()
    evidence = {"line": user.line, "user": user.args}
    if name.isdigit() or name.startswith("$"):
        return passed(f"line {user.line}: USER {user.args} (numeric)", evidence=evidence)
    if name in SYSTEM_USERS:
        return passed(f"line {user.line}: USER {name} (exists in Debian-based images)", evidence=evidence)
    creates = re.compile(rf"\b(useradd|adduser)\b[^&;|]*\b{re.escape(name)}\b")
    made_here = [r.line for r in final.all("RUN") if creates.search(r.args)]
    if made_here:
        return passed(
            f"line {user.line}: USER {name}, created on line {made_here[0]}",
            details="Named users work on AgentCore. A platform that enforces runAsNonRoot can only verify a numeric "
            f"`USER`; `USER {name}` → `USER <its uid>` avoids that.",
            evidence=evidence,
        )
    elsewhere = [r.line for s in found[:-1] for r in s.all("RUN") if creates.search(r.args)]
    where = (
        f"it is created in an earlier build stage (line {elsewhere[0]}), which the final image does not inherit"
        if elsewhere
        else "no RUN in the final stage creates it (useradd/adduser)"
    )
    return failed(
        f"line {user.line}: USER {name}: {where}; the container fails to start with `unable to find user {name}` "
        "unless the base image has that user",
        evidence=evidence | {"created_in_earlier_stage": elsewhere or None},
    )


def _installs_instrument(scan) -> str | None:  # type: ignore[no-untyped-def]
    """Where the project installs a package that provides `opentelemetry-instrument`, or None."""
    for name in ("aws-opentelemetry-distro", "opentelemetry-distro", "opentelemetry-instrumentation"):
        req = scan.requirement(name)
        if req is not None:
            return f"{Path(scan.requirements_path).name} line {req.line}"
    if scan.dockerfile:
        from tui.project.dockerfile import stages

        for stage in stages(scan.dockerfile)[-1:]:
            for run in stage.all("RUN"):
                if INSTRUMENT_PACKAGES.search(run.args):
                    return f"Dockerfile line {run.line}"
    pyproject = Path(scan.root) / "pyproject.toml"
    if pyproject.is_file() and INSTRUMENT_PACKAGES.search(
        pyproject.read_text(encoding="utf-8", errors="replace")[:200_000]
    ):
        return "pyproject.toml"
    return None


@check(
    "project.otel_instrument_installed",
    title="opentelemetry-instrument in the start command is installed",
    severity=Severity.CRITICAL,
    params=ProjectParams,
    needs=("project",),
    remediation="Add aws-opentelemetry-distro to requirements.txt (fix `project.otel_distro`; pin >=0.18.0 for "
    "unified telemetry), or start without opentelemetry-instrument.",
)
def otel_instrument_installed(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """The CMD starts under opentelemetry-instrument but nothing installs it: the container never starts."""
    from tui.project.dockerfile import command_words

    scan, found = _docker(params)
    if not found:
        return skipped("no Dockerfile" if found is None else "the Dockerfile has no FROM")
    final = found[-1]
    command = final.last("ENTRYPOINT") or final.last("CMD")
    uses = [
        c for c in (final.last("ENTRYPOINT"), final.last("CMD")) if c and "opentelemetry-instrument" in command_words(c)
    ]
    if not uses:
        return skipped(
            "the start command does not use opentelemetry-instrument" + (f" (line {command.line})" if command else "")
        )
    where = _installs_instrument(scan)
    evidence = {"line": uses[0].line, "command": uses[0].text, "installed_by": where}
    if where:
        return passed(f"line {uses[0].line} runs opentelemetry-instrument, installed by {where}", evidence=evidence)
    return failed(
        f"line {uses[0].line}: `{uses[0].text}` but nothing installs opentelemetry-instrument: the container exits "
        '(`exec: "opentelemetry-instrument": executable file not found in $PATH`)',
        details="The command comes with aws-opentelemetry-distro (via opentelemetry-instrumentation). Without it the "
        "runtime stays READY and clients get `-32010 Runtime initialization time exceeded`.",
        evidence=evidence,
    )
