"""Checks on the Dockerfile where an image or start-up failure is visible before the build:
the platform (AgentCore runs linux/arm64), the USER, and opentelemetry-instrument without the distro.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from tui.checks.base import CheckContext
from tui.checks.project import ProjectParams, not_read
from tui.i18n import N_, _
from tui.registry import check
from tui.results import CheckResult, Severity, failed, passed, skipped, warned

if TYPE_CHECKING:
    from tui.project.dockerfile import Instruction, Stage
    from tui.project.scan import ProjectScan
    from tui.project.start_script import StartScript

NOT_ARM = re.compile(r"amd64|x86[_-]?64|\bi?386\b|linux/arm(/v[67])?$", re.IGNORECASE)
ARM64 = re.compile(r"arm64|aarch64", re.IGNORECASE)
# Official per-architecture repositories on Docker Hub (amd64/python, arm64v8/python).
ARCH_REPOSITORY = re.compile(r"^(?:docker\.io/)?(amd64|i386|arm32v[67]|arm64v8)/", re.IGNORECASE)
SYSTEM_USERS = frozenset({"root", "nobody", "daemon", "bin", "sys", "www-data", "mail", "games"})
AGENTCORE_YAML = ".bedrock_agentcore.yaml"
EXEC_FORMAT_ERROR = "`exec format error`"
NO_DOCKERFILE = N_("no Dockerfile")
NO_FROM = N_("the Dockerfile has no FROM")
INSTRUMENT_PACKAGES = re.compile(
    # aws_opentelemetry_distro_genai_beta is what earlier starter-toolkit Dockerfiles install; it ships the command too.
    r"\b(aws[-_.]opentelemetry[-_.]distro(?:[-_.]genai[-_.]beta)?|opentelemetry[-_.]distro|"
    r"opentelemetry[-_.]instrumentation)\b",
    re.IGNORECASE,
)


def _docker(params: ProjectParams):  # type: ignore[no-untyped-def]
    """(scan, the Dockerfile's stages); the stages are None without a Dockerfile, or when the project is deployed
    as code (direct_code_deploy), where a Dockerfile in the folder builds nothing AgentCore runs."""
    from tui.project.dockerfile import stages
    from tui.project.scan import scan_project

    scan = scan_project(params.dir)
    if scan.dockerfile is None or scan.direct_code_deploy:
        return scan, None
    return scan, stages(scan.dockerfile)


def _no_image(scan) -> str:  # type: ignore[no-untyped-def]
    from tui.checks.project import DIRECT_CODE_DEPLOY

    return _(DIRECT_CODE_DEPLOY) if scan.direct_code_deploy else _(NO_DOCKERFILE)


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
            _("{file} builds for {platform}: AgentCore runs linux/arm64, the container fails with {error}").format(
                file=AGENTCORE_YAML, platform=configured, error=EXEC_FORMAT_ERROR
            ),
            evidence=evidence,
            remediation=_("Set {setting} in {file} (agentcore configure) and build again.").format(
                setting="`platform: linux/arm64`", file=AGENTCORE_YAML
            ),
        )
    if not found:
        if found is None:
            if scan.direct_code_deploy:
                return skipped(_no_image(scan))
            if unread := not_read(scan, "docker"):
                return unread
            return skipped(_("no Dockerfile (the toolkit builds ARM64 by default)"))
        return failed(_(NO_FROM), evidence=evidence)
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
                _(
                    "Dockerfile line {line}: the final stage is {instruction}, not linux/arm64: AgentCore starts it with {error}"
                ).format(line=stage.line, instruction=f"`FROM {what}`", error=EXEC_FORMAT_ERROR),
                evidence=evidence,
            )
        return warned(
            _(
                "Dockerfile line {line}: build stage {instruction} is not arm64; binaries copied from it into the "
                "arm64 image fail with {error}"
            ).format(line=stage.line, instruction=f"`FROM {what}`", error=EXEC_FORMAT_ERROR),
            evidence=evidence,
        )
    pinned = (final.platform and ARM64.search(final.platform)) or _image_arch(final.image) == "arm64"
    if pinned:
        return passed(_("Dockerfile line {line}: FROM pins linux/arm64").format(line=final.line), evidence=evidence)
    if configured and ARM64.search(configured):
        return passed(
            _("{file} builds for {platform}").format(file=AGENTCORE_YAML, platform=configured), evidence=evidence
        )
    return warned(
        _(
            "nothing in the project pins linux/arm64: a plain `docker build` on an x86 machine makes an image that "
            "fails with {error} on AgentCore"
        ).format(error=EXEC_FORMAT_ERROR),
        evidence=evidence,
        remediation=_(
            "Build with `--platform linux/arm64` (the toolkit's CodeBuild deploy does), or write "
            "`FROM --platform=linux/arm64 …`."
        ),
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
    """A USER name that no RUN of the final stage, or of a stage it builds FROM, creates fails with
    `unable to find user`; a numeric id always resolves, and distroless and Chainguard images have `nonroot`."""
    scan, found = _docker(params)
    if unread := not_read(scan, "docker"):
        return unread
    if not found:
        return skipped(_no_image(scan) if found is None else _(NO_FROM))
    chain = _stage_chain(found)
    user = _last_user(chain)
    image = _base_reference(chain)[0]
    if user is None:
        if _runs_as_nonroot(chain):
            return passed(
                _("no USER: the base image {image} runs the server as nonroot (uid {uid})").format(
                    image=image, uid=NONROOT_UID
                ),
                evidence={"base_image": image, "uid": NONROOT_UID},
            )
        return passed(_("no USER: the server runs as root in its microVM"))
    name = user.args.split(":", 1)[0].strip()
    evidence = {"line": user.line, "user": user.args}
    if name == "nonroot" and _minimal_base(chain)[0] is not None:  # in both families' /etc/passwd
        return passed(
            _("line {line}: {instruction} (the base image {image} has this user, uid {uid})").format(
                line=user.line, instruction=f"USER {name}", image=image, uid=NONROOT_UID
            ),
            evidence=evidence | {"base_image": image},
        )
    if name.isdigit() or name.startswith("$"):
        return passed(
            _("line {line}: {instruction} (numeric)").format(line=user.line, instruction=f"USER {user.args}"),
            evidence=evidence,
        )
    if name in SYSTEM_USERS:
        return passed(
            _("line {line}: {instruction} (exists in Debian-based images)").format(
                line=user.line, instruction=f"USER {name}"
            ),
            evidence=evidence,
        )
    creates = re.compile(rf"\b(useradd|adduser)\b[^&;|]*\b{re.escape(name)}\b")
    made_here = [r.line for stage in chain for r in stage.all("RUN") if creates.search(r.args)]
    if made_here:
        return passed(
            _("line {line}: {instruction}, created on line {created}").format(
                line=user.line, instruction=f"USER {name}", created=made_here[0]
            ),
            details=_(
                "Named users work on AgentCore. A platform that enforces runAsNonRoot can only verify a numeric "
                "`USER`; {instruction} → `USER <its uid>` avoids that."
            ).format(instruction=f"`USER {name}`"),
            evidence=evidence,
        )
    inherited = {id(stage) for stage in chain}
    elsewhere = [r.line for s in found if id(s) not in inherited for r in s.all("RUN") if creates.search(r.args)]
    if elsewhere:
        where = _(
            "it is created in an earlier build stage (line {line}), which the final image does not inherit"
        ).format(line=elsewhere[0])
    else:
        where = _("no RUN in the final stage creates it (useradd/adduser)")
    return failed(
        _(
            "line {line}: {instruction}: {where}; the container fails to start with {error} unless the base image "
            "has that user"
        ).format(line=user.line, instruction=f"USER {name}", where=where, error=f"`unable to find user {name}`"),
        evidence=evidence | {"created_in_earlier_stage": elsewhere or None},
    )


NONROOT_UID = 65532
"""The ``nonroot`` user of distroless and Chainguard images: in every image's /etc/passwd, and the default user of
distroless ``:nonroot`` tags and Chainguard's runtime (not ``-dev``) images."""


def _last_user(chain: list[Stage]) -> Instruction | None:
    """The USER in force in the final stage: its own last USER, else one in a stage it builds FROM (a ``FROM base``
    stage inherits the base stage's USER); None when no stage of the chain sets one."""
    for stage in reversed(chain):
        if (user := stage.last("USER")) is not None:
            return user
    return None


def _runs_as_nonroot(chain: list[Stage]) -> bool:
    """Whether the base image itself sets ``USER 65532``: distroless ``:nonroot``/``:debug-nonroot`` tags and
    Chainguard runtime images (their ``-dev`` tags run as root so that packages can be installed)."""
    family, tag = _minimal_base(chain)
    return (family == "distroless" and "nonroot" in tag) or (family == "chainguard" and "dev" not in tag)


def _installs_instrument(scan) -> str | None:  # type: ignore[no-untyped-def]
    """Where the project installs a package that provides `opentelemetry-instrument`, or None."""
    for name in ("aws-opentelemetry-distro", "opentelemetry-distro", "opentelemetry-instrumentation"):
        req = scan.requirement(name)
        if req is not None:
            return _("{file} line {line}").format(file=Path(scan.requirements_path).name, line=req.line)
    if scan.dockerfile:
        from tui.project.dockerfile import stages

        found = stages(scan.dockerfile)
        # A multi-stage build installs into a builder stage and copies the environment over (COPY --from=…).
        copies = found and any("--from=" in c.args for c in found[-1].all("COPY"))
        for stage in found if copies else found[-1:]:
            for run in stage.all("RUN"):
                if INSTRUMENT_PACKAGES.search(run.args):
                    return _("{file} line {line}").format(file="Dockerfile", line=run.line)
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
    remediation="Add aws-opentelemetry-distro to the project's dependencies (fix `project.otel_distro`; pin >=0.18.0 "
    "for unified telemetry), or start without opentelemetry-instrument.",
)
def otel_instrument_installed(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """The CMD starts under opentelemetry-instrument but nothing installs it: the container never starts."""
    from tui.checks.project import script_unread
    from tui.project.dockerfile import command_words, names_instrument
    from tui.project.start_script import start_script

    scan, found = _docker(params)
    if unread := not_read(scan, "docker", "deps"):
        return unread
    if not found:
        return skipped(_no_image(scan) if found is None else _(NO_FROM))
    final = found[-1]
    command = final.last("ENTRYPOINT") or final.last("CMD")
    # The command may be named by its path: .venv/bin/opentelemetry-instrument, /usr/local/bin/…
    uses = [c for c in (final.last("ENTRYPOINT"), final.last("CMD")) if c and names_instrument(command_words(c))]
    at, shown = (_("line {line}").format(line=uses[0].line), uses[0].text) if uses else ("", "")
    script = start_script(scan) if not uses else None
    if script is not None and script.arguments is None:
        if script.problem:
            return script_unread(script)
        used = [c for c in script.candidates if names_instrument(c.words)]
        if used:
            at = _("{file} line {line}").format(file=script.name, line=used[-1].line)
            shown = used[-1].shown
    if not shown:
        if script is not None and script.command is not None and script.arguments is None:
            return skipped(
                _("the start command does not use opentelemetry-instrument ({where})").format(where=script.label)
            )
        if command is None:
            return skipped(_("the start command does not use opentelemetry-instrument"))
        return skipped(
            _("the start command does not use opentelemetry-instrument (line {line})").format(line=command.line)
        )
    where = _installs_instrument(scan)
    evidence = {"line": uses[0].line if uses else script.line if script else None, "command": shown}
    evidence["installed_by"] = where
    if where:
        return passed(
            _("{at} runs opentelemetry-instrument, installed by {where}").format(at=at, where=where),
            evidence=evidence,
        )
    return failed(
        _("{at}: {command} but nothing installs opentelemetry-instrument: the container exits ({error})").format(
            at=at,
            command=f"`{shown}`",
            error='`exec: "opentelemetry-instrument": executable file not found in $PATH`',
        ),
        details=_(
            "The command comes with aws-opentelemetry-distro (via opentelemetry-instrumentation). Without it the "
            "runtime stays READY and clients get {error}."
        ).format(error="`-32010 Runtime initialization time exceeded`"),
        evidence=evidence,
        remediation=_(
            "Add aws-opentelemetry-distro to {file} (fix `project.otel_distro`; pin >=0.18.0 for unified "
            "telemetry), or start without opentelemetry-instrument."
        ).format(file=scan.requirements_name),
    )


@check(
    "project.docker_lock",
    title="The lock file the Dockerfile installs from is in the image",
    severity=Severity.HIGH,
    params=ProjectParams,
    needs=("project",),
    remediation="Copy the lock file before the install (`COPY pyproject.toml uv.lock ./`), or bind-mount it "
    "(`RUN --mount=type=bind,source=uv.lock,target=uv.lock uv sync --frozen`).",
)
def docker_lock(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """`uv sync --frozen` without uv.lock in the image stops the build; `poetry install` without poetry.lock resolves again."""
    from tui.project.scan import lock_installs

    scan, found = _docker(params)
    if unread := not_read(scan, "docker"):
        return unread
    if not found:
        return skipped(_no_image(scan) if found is None else _(NO_FROM))
    installs = lock_installs(scan.root, scan.dockerfile, scan.ignore)
    if not installs:
        return skipped(_("the Dockerfile installs from no lock file (uv sync, poetry install)"))
    evidence = {
        "installs": [
            {"line": i.line, "lock": i.lock, "strict": i.strict, "in_image": i.in_image, "in_project": i.in_project}
            for i in installs
        ]
    } | _ignore_evidence(scan)
    if left_out := _lock_left_out(scan, installs, evidence):
        return left_out
    for install in installs:
        if install.strict and not install.in_image:
            why = (
                _("{lock} is not copied into the image before it").format(lock=install.lock)
                if install.in_project
                else _("the project has no {lock}").format(lock=install.lock)
            )
            return failed(
                _(
                    "Dockerfile line {line}: {command}: {why}, so uv stops with {error} and the image is never built"
                ).format(
                    line=install.line,
                    command=f"`{install.command}`",
                    why=why,
                    error='"Unable to find lockfile at uv.lock, but --frozen was provided"',
                ),
                details=_(
                    "--frozen and --locked (and UV_FROZEN/UV_LOCKED) tell uv to install exactly what uv.lock pins; "
                    "without the file uv does not resolve instead, it exits 1. `agentcore deploy` then fails in "
                    "CodeBuild and the runtime keeps its previous image."
                ),
                evidence=evidence,
                remediation=(
                    _("Add uv.lock to the COPY before line {line} (`COPY pyproject.toml uv.lock ./`).").format(
                        line=install.line
                    )
                    if install.in_project
                    else _("Run `uv lock`, commit uv.lock and copy it before line {line}.").format(line=install.line)
                ),
            )
    for install in installs:
        if not install.in_image and install.in_project:
            tool = "uv" if install.lock == "uv.lock" else "Poetry"
            return warned(
                _(
                    "Dockerfile line {line}: {command} runs without {lock} in the image: {tool} resolves "
                    "pyproject.toml's ranges again at build time, so the image can get newer versions than the lock "
                    "pins (mcp 2.x included)"
                ).format(line=install.line, command=f"`{install.command}`", lock=install.lock, tool=tool),
                evidence=evidence,
                remediation=_("Copy {lock} before line {line} so the image installs what it pins.").format(
                    lock=install.lock, line=install.line
                ),
            )
    first = installs[0]
    if first.in_image:
        return passed(
            _("Dockerfile line {line} installs from {lock}, which is in the image by then").format(
                line=first.line, lock=first.lock
            ),
            evidence=evidence,
        )
    return passed(
        _("Dockerfile line {line}: {command} resolves pyproject.toml (the project has no {lock})").format(
            line=first.line, command=f"`{first.command}`", lock=first.lock
        ),
        evidence=evidence,
    )


def _ignore_evidence(scan) -> dict[str, object]:  # type: ignore[no-untyped-def]
    ignore = scan.ignore
    if ignore is None:
        return {}
    return {"dockerignore": ignore.name} | ({"dockerignore_not_judged": ignore.problem} if ignore.problem else {})


def _lock_left_out(scan, installs, evidence: dict[str, object]) -> CheckResult | None:  # type: ignore[no-untyped-def]
    """A lock the Dockerfile brings into the image (COPY, bind mount) that the .dockerignore leaves out of the build
    context (dbcls/togomcp#113: `uv.lock` in .dockerignore, `uv sync --frozen` stopped the build)."""
    for install in installs:
        rule = install.excluded_by
        if rule is None or not install.in_image:
            continue
        said = scan.ignore.said(rule, install.lock)
        evidence = evidence | {"excluded_by": {"file": scan.ignore.name, "line": rule.line, "pattern": rule.text}}
        remediation = _(
            "Remove line {line} of {file}, or add {exception} at its end (fix `project.dockerignore_lock`)."
        ).format(line=rule.line, file=scan.ignore.name, exception=f"`!{install.lock}`")
        if install.named:
            summary = _(
                "Dockerfile line {line}: {command}: {said}, so the step that names it stops the build ({error})"
            ).format(
                line=install.line, command=f"`{install.command}`", said=said, error=f'`"/{install.lock}": not found`'
            )
        elif install.strict:
            summary = _(
                "Dockerfile line {line}: {command}: {said}, so uv stops with {error} and the image is never built"
            ).format(
                line=install.line,
                command=f"`{install.command}`",
                said=said,
                error='"Unable to find lockfile at uv.lock, but --frozen was provided"',
            )
        else:
            tool = "uv" if install.lock == "uv.lock" else "Poetry"
            return warned(
                _(
                    "Dockerfile line {line}: {command}: {said}, so {tool} resolves pyproject.toml's ranges again at "
                    "build time and the image can get newer versions than the lock pins"
                ).format(line=install.line, command=f"`{install.command}`", said=said, tool=tool),
                evidence=evidence,
                remediation=remediation,
            )
        return failed(
            summary,
            details=_(
                "A .dockerignore line removes the file from what `docker build` sends to the builder, so no COPY or "
                "bind mount can bring it in. `agentcore deploy` then fails in CodeBuild and the runtime keeps its "
                "previous image."
            ),
            evidence=evidence,
            remediation=remediation,
        )
    return None


PYTHONS = re.compile(r"^python(\d+(\.\d+)?)?$")


def _started_words(
    scan: ProjectScan, words: list[str], at: str, shown: str = ""
) -> tuple[list[str], str, str] | CheckResult:
    """(words, where, as shown) of what the container finally runs: the start command ``words``, or, through a start
    script, the command the script runs (for ``exec "$@"``, the CMD's words it runs); a could-not-run result when
    the script's command is not known (not read, or chosen among branches)."""
    from tui.checks.project import script_branches, script_unread
    from tui.project.start_script import start_script

    script = start_script(scan)
    if script is not None and script.arguments is not None:  # `exec "$@"`: the script runs the CMD's words
        return script.arguments, at, shown
    if script is not None:
        if script.problem or script.command is None:
            return script_unread(script)
        if len(script.candidates) > 1:
            return script_branches(script)
        return script.command.words, script.label, script.command.shown
    return words, at, shown


@check(
    "project.start_environment",
    title="The start command runs inside the environment the image installed",
    severity=Severity.CRITICAL,
    params=ProjectParams,
    needs=("project",),
    remediation='Put the environment\'s bin/ on PATH (`ENV PATH="/app/.venv/bin:$PATH"`, fix `project.venv_path`), '
    "or start through the tool (`uv run …`, `poetry run …`).",
)
def start_environment(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """`uv sync`/`poetry install` install into a virtual environment; a CMD that does not reach it starts the image's
    own Python without the dependencies, or does not find its program at all."""
    import posixpath

    from tui.project.dockerfile import SYSTEM_BIN, program
    from tui.project.environment import image_state

    scan, found = _docker(params)
    if unread := not_read(scan, "docker"):
        return unread
    if not found:
        return skipped(_no_image(scan) if found is None else _(NO_FROM))
    if node := scan.node_server():
        from tui.checks.project import NODE_SERVER

        return skipped(_(NODE_SERVER).format(evidence=node))
    image = image_state(found)
    installs = image.installs
    if not installs:
        return skipped(_("the image installs into its own Python (no uv sync, poetry, pdm or pipenv environment)"))
    start, command = scan.start_command(), scan.docker_command()
    if start is None or command is None:
        return skipped(_("the Dockerfile has no CMD or ENTRYPOINT"))
    line, text = command
    started_words = _started_words(scan, start[1], _("line {line}").format(line=line), text)
    if isinstance(started_words, CheckResult):
        return started_words
    words, at, text = started_words
    install = installs[-1]
    evidence = {"line": line, "command": text, "installed_by": install.command, "environment": install.bin_dir}
    started = program(words)
    if started is None:
        return skipped(_("{where}: the start command runs a shell script, which is not read").format(where=at))
    if started.runner is not None:
        return passed(
            _("{where}: starts through `{runner} run`, inside the environment {tool} installed").format(
                where=at, runner=started.runner, tool=install.tool
            ),
            evidence=evidence,
        )
    word = words[started.index]
    folder, name = posixpath.split(word)
    where = [d for d in (i.bin_dir for i in installs) if d]
    if folder:
        absolute = posixpath.normpath(posixpath.join(image.workdir, folder))
        if absolute in where or (not where and absolute not in SYSTEM_BIN):
            return passed(
                _("{where}: starts {program} from the environment").format(where=at, program=f"`{word}`"),
                evidence=evidence,
            )
        if absolute not in SYSTEM_BIN:
            return skipped(_("{where}: starts {program}, which is not read").format(where=at, program=f"`{word}`"))
    on_path = image.path_dirs
    reached = [d for d in on_path if d in where] if where else on_path
    if not folder and reached:
        return passed(
            _("{where}: {program} is found in {folder} (ENV PATH)").format(
                where=at, program=f"`{name}`", folder=reached[0]
            ),
            evidence=evidence,
        )
    environment = install.bin_dir or _("{tool}'s virtual environment").format(tool=install.tool)
    if PYTHONS.match(name):
        summary = _(
            "{where}: {command} starts the image's own Python, not the environment {install} (line {at}) "
            "installed into ({environment}): the server's imports fail ({error})"
        )
        error = "`ModuleNotFoundError: No module named 'mcp'`"
    else:
        summary = _(
            "{where}: {command}: `{program}` is in {environment}, which is not on the image's PATH, so the "
            "container exits ({error})"
        )
        error = f'`exec: "{name}": executable file not found in $PATH`'
    if install.bin_dir and install.copied:
        remediation = _('Add `ENV PATH="{folder}:$PATH"` before line {line} (fix `project.venv_path`).').format(
            folder=install.bin_dir, line=line
        )
    elif install.bin_dir:
        remediation = _(
            'Add `ENV PATH="{folder}:$PATH"` before line {line} (fix `project.venv_path`), or start through '
            "`{runner} run …`."
        ).format(folder=install.bin_dir, line=line, runner=install.tool.lower())
    else:
        remediation = _(
            "Start through `{runner} run …`, or install into the image's Python "
            "(`poetry config virtualenvs.create false` before `poetry install`)."
        ).format(runner=install.tool.lower())
    return failed(
        summary.format(
            where=at,
            command=f"`{text}`",
            install=f"`{install.command}`",
            at=install.line,
            environment=environment,
            program=name,
            error=error,
        ),
        details=_(
            "uv sync, poetry install, pdm install and pipenv install put the dependencies into a virtual environment, "
            "not into the image's Python, and nothing puts its bin/ on PATH. The runtime stays READY and clients get "
            "{error}."
        ).format(error="`-32010 Runtime initialization time exceeded`"),
        evidence=evidence,
        remediation=remediation,
    )


SHELL_COMMANDS = frozenset(  # noqa: SIM905 - a list of 49 one-word lines reads worse
    [
        "apk",
        "apt",
        "apt-get",
        "yum",
        "dnf",
        "microdnf",
        "pip",
        "pip3",
        "python",
        "python3",
        "uv",
        "uvx",
        "poetry",
        "pipx",
        "npm",
        "npx",
        "yarn",
        "pnpm",
        "node",
        "bun",
        "deno",
        "curl",
        "wget",
        "git",
        "mkdir",
        "cd",
        "cp",
        "mv",
        "rm",
        "ln",
        "chmod",
        "chown",
        "echo",
        "cat",
        "sed",
        "export",
        "source",
        "tar",
        "unzip",
        "make",
        "useradd",
        "adduser",
        "groupadd",
        "addgroup",
        "go",
        "cargo",
        "sh",
        "bash",
        "set",
    ]
)
"""Programs a line that lacks its RUN usually starts with."""
SPACED_HEREDOC = re.compile(r"(?:^|\s)\d*<<-?\s+(['\"]?)([\w.-]+)\1")
MAX_SHOWN = 120


def _shown(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def _unknown_remedy(ins, before) -> str:  # type: ignore[no-untyped-def]
    """What to do about the line ``ins`` that is no instruction (``before``: the instruction read before it)."""
    from tui.project.dockerfile import buildkit_suggestion

    line = f"{ins.word} {ins.args}".strip()
    opened = SPACED_HEREDOC.search(before.own_args) if before and before.keyword in ("RUN", "COPY", "ADD") else None
    if opened:
        return _(
            "Line {line} writes {written}: BuildKit starts a here-document only when the delimiter follows `<<` "
            "directly, so the lines after it are read as instructions. Write {fixed}."
        ).format(
            line=before.line,
            written=f"`{opened.group().strip()}`",
            fixed=f"`<<{opened.group(1)}{opened.group(2)}{opened.group(1)}`",
        )
    if re.match(r"(&&|\|\||\||;|-)", ins.word):
        return _("Line {line} goes on from the command before it: end the line before it with `\\`.").format(
            line=ins.line
        )
    suggestion = buildkit_suggestion(ins.word)
    shell = (
        ins.word.rsplit("/", 1)[-1] in SHELL_COMMANDS
        or "/" in ins.word
        or any(mark in ins.args for mark in ("&&", "||", "|", ";", ">", "$"))
        or (ins.word.islower() and suggestion is None)
    )
    if shell:
        return _("Did you mean RUN? Write line {line} as {instruction}.").format(
            line=ins.line, instruction=f"`RUN {_shown(line)}`"
        )
    if suggestion:
        return _("Did you mean {instruction}?").format(instruction=f"`{suggestion.upper()}`")
    return _("Remove line {line} or start it with a Dockerfile instruction.").format(line=ins.line)


@check(
    "project.dockerfile_syntax",
    title="`docker build` can read every line of the Dockerfile",
    severity=Severity.HIGH,
    params=ProjectParams,
    needs=("project",),
    remediation="Begin every instruction line with a Dockerfile instruction (a shell command needs `RUN`), close every "
    'here-document, and quote version bounds in RUN (`pip install "pkg>=1.0"`).',
)
def dockerfile_syntax(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """A line that is no instruction (`npm install` without RUN), a here-document never closed, or a shell-form RUN
    on an image without `/bin/sh` (distroless) stops `docker build`; an unquoted `pkg>=1.0` in a shell RUN is a
    redirection that drops the bound (`pkg<2` stops the build)."""
    from tui.project.dockerfile import (
        INSTRUCTIONS,
        buildkit_suggestion,
        instructions,
        requirement_redirects,
        run_scripts,
    )

    scan, found = _docker(params)
    if unread := not_read(scan, "docker"):
        return unread
    if found is None:
        return skipped(_no_image(scan))
    read = instructions(scan.dockerfile)
    unknown = [(n, i) for n, i in enumerate(read) if i.keyword not in INSTRUCTIONS]
    unclosed = [(i, h) for i in read for h in i.heredocs if not h.closed]
    unquoted = [
        (line, requirement)
        for ins in read
        for line, script in run_scripts(ins)
        for requirement in requirement_redirects(script)
    ]
    evidence: dict[str, object] = {
        "instructions": len(read),
        "unknown": [{"line": i.line, "word": i.word} for _n, i in unknown[:20]] or None,
        "unclosed_heredocs": [{"line": i.line, "name": h.name} for i, h in unclosed[:20]] or None,
        "unquoted_bounds": [{"line": line, "requirement": r} for line, r in unquoted[:20]] or None,
    }
    details = _(
        "An unknown instruction or a here-document without its end fails the whole build: `agentcore deploy` then "
        "fails in CodeBuild and the runtime keeps its previous image."
    )
    if unknown:
        n, ins = unknown[0]
        suggestion = buildkit_suggestion(ins.word)
        error = f"dockerfile parse error on line {ins.line}: unknown instruction: {ins.word}" + (
            f" (did you mean {suggestion}?)" if suggestion else ""
        )
        summary = _(
            "Dockerfile line {line}: {word} is not a Dockerfile instruction, so `docker build` stops before it builds "
            "anything ({error})"
        ).format(line=ins.line, word=f"`{_shown(ins.word)}`", error=f"`{_shown(error)}`")
        if len(unknown) > 1:
            summary += _(" (and {count} more like it)").format(count=len(unknown) - 1)
        return failed(
            summary,
            details=details,
            evidence=evidence,
            remediation=_unknown_remedy(ins, read[n - 1] if n else None),
        )
    if unclosed:
        ins, heredoc = unclosed[0]
        return failed(
            _(
                "Dockerfile line {line}: the here-document {opened} is never closed (no line is exactly {name}), so "
                "`docker build` stops ({error})"
            ).format(
                line=ins.line, opened=f"`<<{heredoc.name}`", name=f"`{heredoc.name}`", error="`unterminated heredoc`"
            ),
            details=details,
            evidence=evidence,
            remediation=_(
                "End the here-document with a line holding only {name}, without spaces before or after it (with "
                "{chomp} leading tabs are allowed)."
            ).format(name=f"`{heredoc.name}`", chomp=f"`<<-{heredoc.name}`"),
        )
    if shell_run := _shell_run_without_shell(found):
        ins, image = shell_run
        return failed(
            _(
                "Dockerfile line {line}: RUN in shell form runs {shell}, which the base image {image} does not have: "
                "`docker build` stops there ({error})"
            ).format(
                line=ins.line,
                shell="`/bin/sh -c`",
                image=image,
                error='`exec: "/bin/sh": stat /bin/sh: no such file or directory`',
            ),
            details=_(
                "A RUN that cannot start fails the whole build: `agentcore deploy` then fails in CodeBuild and the "
                "runtime keeps its previous image."
            ),
            evidence=evidence | {"shell_form_run": {"line": ins.line, "base_image": image}},
            remediation=_(
                "Do that work in a build stage on an image with a shell and COPY the result in (`COPY --from=build "
                "…`), or write the RUN in exec form; on a distroless `:debug` image, {shell}."
            ).format(shell='`SHELL ["/busybox/sh", "-c"]`'),
        )
    for line, requirement in unquoted:
        if "<" not in requirement:
            continue
        source = re.findall(r"<([^<>]*)", requirement)[0]  # `<2`, `<=2`: input from a file named `2`, `=2`
        return failed(
            _(
                "Dockerfile line {line}: {requirement} is not quoted, so the shell reads {redirect} as input from a "
                "file named {file}, which does not exist: the RUN fails ({error}) and the image is never built"
            ).format(
                line=line,
                requirement=f"`{requirement}`",
                redirect=f"`<{source}`",
                file=f"`{source}`",
                error=f"`/bin/sh: 1: cannot open {source}: No such file`",
            ),
            details=_(
                "RUN in shell form runs `/bin/sh -c`, where an unquoted `<` or `>` is a redirection wherever it "
                "stands in a word. The message is dash's (Debian-based images); bash says `No such file or "
                "directory`."
            ),
            evidence=evidence,
            remediation=_("Quote the requirement: {quoted}.").format(quoted=f'`"{requirement}"`'),
        )
    if unquoted:
        line, requirement = unquoted[0]
        name = re.split(r"[<>=!~\[]", requirement, maxsplit=1)[0]
        target = re.findall(r">([^<>]*)", requirement)[0]  # `>=0.10.1`: output into a file named `=0.10.1`
        summary = _(
            "Dockerfile line {line}: {requirement} is not quoted, so the shell reads {redirect} as a redirection of "
            "the output into a file named {file}: {package} is installed without the bound"
        ).format(line=line, requirement=f"`{requirement}`", redirect=f"`>{target}`", file=f"`{target}`", package=name)
        if len(unquoted) > 1:
            summary += _(" (and {count} more like it)").format(count=len(unquoted) - 1)
        return warned(
            summary,
            details=_(
                "RUN in shell form runs `/bin/sh -c`, where an unquoted `>` is a redirection wherever it stands in a "
                "word. The build works, but nothing enforces the bound: a version already in the image stays however "
                "old, otherwise the newest is installed; the installer's output goes into that file."
            ),
            evidence=evidence,
            remediation=_("Quote the requirement: {quoted}.").format(quoted=f'`"{requirement}"`'),
        )
    return passed(
        _("`docker build` can read all {count} instructions; no RUN leaves a version bound unquoted").format(
            count=len(read)
        ),
        evidence=evidence,
    )


EXEC_MODE = re.compile(r"^(?:[0-7]?[0-7]{0,2}[1357][0-7]{0,2}|[ugoa]*\+[rwxXst]*x[rwxXst]*)$")
"""A chmod mode that gives an exec bit: ``+x``, ``a+x``, ``u+rwx``, ``755``, ``0755``."""
CHMOD = re.compile(r"\bchmod\s+([^;&|\n]{1,400})")
SHELL_INSTALLS = {
    shell: re.compile(rf"\bapk\s+(?:--\S+\s+)*add\b[^;&|\n]{{0,400}}\b{shell}\b") for shell in ("bash", "zsh")
}
"""The shells an alpine base image lacks (its shell is BusyBox ``sh``/``ash``), and the ``apk add`` that installs each."""
BASH_INSTALL = SHELL_INSTALLS["bash"]


def _stage_chain(found: list[Stage]) -> list[Stage]:
    """The final stage and the stages its FROM builds on, base first."""
    names = {(s.name or "").lower(): n for n, s in enumerate(found) if s.name}
    chain: list[int] = []
    number: int | None = len(found) - 1
    while number is not None and number not in chain and len(chain) < 16:
        chain.insert(0, number)
        parent = names.get((found[number].image or "").lower())
        number = parent if parent is not None and parent < number else None
    return [found[n] for n in chain]


def _base_reference(chain: list[Stage]) -> tuple[str, str, str]:
    """The base image's reference, lower case and without a digest: (its path, ``gcr.io/distroless/python3``; its
    last name, ``python3``; its tag, ``nonroot``, empty when none)."""
    image = (chain[0].image or "").lower().partition("@")[0]
    folder, _sep, last = image.rpartition("/")
    name, _sep, tag = last.partition(":")
    return (f"{folder}/{name}" if folder else name), name, tag


def _on_alpine(chain: list[Stage]) -> bool:
    """Whether the image's base is for sure alpine (``alpine:3.20``, ``python:3.13-alpine``, ``…-alpine3.20``)."""
    _path, name, tag = _base_reference(chain)
    return name == "alpine" or bool(re.search(r"(^|-)alpine", tag))


def _chmod_gives_exec(chain: list[Stage], script: StartScript) -> int | None:
    """The Dockerfile line of a ``RUN chmod +x``/``chmod 755`` of the script or a ``COPY --chmod=755`` of it; None."""
    import fnmatch
    import json
    import posixpath

    from tui.project.dockerfile import copy_words

    base = posixpath.basename(script.image_path)
    for stage in chain:
        for ins in stage.instructions:
            if ins.keyword == "RUN":
                args = ins.args
                if args.lstrip().startswith("["):
                    try:
                        args = " ".join(str(w) for w in json.loads(args))
                    except ValueError:
                        pass
                for found in CHMOD.finditer(args):
                    words = found.group(1).split()
                    recursive = any(w.startswith("-") and "R" in w for w in words)
                    words = [w for w in words if not w.startswith("-")]
                    if len(words) < 2 or not EXEC_MODE.match(words[0]):
                        continue
                    for target in words[1:]:
                        target = target.strip("\"'")
                        if fnmatch.fnmatch(base, posixpath.basename(target.rstrip("/")) or "*"):
                            return ins.line
                        if recursive and target:
                            return ins.line
            elif ins.keyword in ("COPY", "ADD"):
                words = copy_words(ins)
                mode = next((w.split("=", 1)[1] for w in words if w.startswith("--chmod=")), "")
                sources = [w for w in words if not w.startswith("--")][:-1]
                if not mode or not EXEC_MODE.match(mode) or not script.name:
                    continue
                for source in sources:
                    source = posixpath.normpath(source.lstrip("/") or ".")
                    if (
                        source == "."
                        or fnmatch.fnmatch(script.name, source)
                        or script.name.startswith(source.rstrip("/") + "/")
                    ):
                        return ins.line
    return None


NO_SHELL_REMEDY = N_(
    'Start the server in exec form without a shell (`CMD ["python", "server.py"]`), or build on an image that has one '
    "(Chainguard `-dev`; distroless `:debug`, whose BusyBox shell is `/busybox/sh`)."
)
NO_CRLF = N_("the script has LF line endings already: converting them changes nothing")
START_DETAILS = N_(
    "AgentCore starts the image's command when a session first arrives; a start script that cannot run stops "
    "the container at once, so the runtime never answers (clients get `-32010 Runtime initialization time "
    "exceeded` or HTTP 424)."
)


DEBIAN_RELEASES = re.compile(r"(^|-)(bookworm|bullseye|buster|trixie|jammy|noble|focal)($|-)")


def _on_debian(chain: list[Stage]) -> bool:
    """Whether the image's base is for sure Debian or Ubuntu, which have bash: ``python:3.13-slim`` and the other
    official python tags but alpine and windows ones, ``debian``/``ubuntu``, or a tag naming a Debian or Ubuntu
    release (``ghcr.io/astral-sh/uv:python3.12-bookworm-slim``)."""
    path, name, tag = _base_reference(chain)
    if DEBIAN_RELEASES.search(tag):
        return True
    official = "/" not in path or path.startswith(("docker.io/library/", "public.ecr.aws/docker/library/"))
    return official and name in ("python", "debian", "ubuntu") and not re.search(r"alpine|windows|nanoserver", tag)


def _minimal_base(chain: list[Stage]) -> tuple[str | None, str]:
    """(``"distroless"``, ``"chainguard"`` or None, the tag) for the image's base: the two families of minimal
    images whose shell, users and default user the Dockerfile checks know."""
    path, _name, tag = _base_reference(chain)
    if "/distroless/" in f"/{path}":
        return "distroless", tag
    if path.startswith("cgr.dev/chainguard/"):
        return "chainguard", tag
    return None, tag


def _shell_less(chain: list[Stage]) -> bool:
    """Whether the image's base for sure has no shell at all: distroless (``gcr.io/distroless/python3-debian12``,
    not its ``:debug`` tags, which carry BusyBox) and Chainguard's runtime images (``cgr.dev/chainguard/python``,
    not its ``-dev`` tags)."""
    family, tag = _minimal_base(chain)
    return (family == "distroless" and "debug" not in tag) or (family == "chainguard" and "dev" not in tag)


def _busybox_only(chain: list[Stage]) -> bool:
    """Whether the image's base is a distroless ``:debug`` tag: its shell is BusyBox, linked under ``/busybox`` only
    (``/busybox/sh``, on the PATH), and it has no ``/bin/sh`` (distroless ``static/static.bzl`` and
    ``experimental/busybox/commands.bzl``; distroless#419)."""
    family, tag = _minimal_base(chain)
    return family == "distroless" and "debug" in tag


BUSYBOX_SHELLS = ("sh", "ash")
"""The shells BusyBox links under ``/busybox`` on a distroless ``:debug`` image (no bash, zsh or dash)."""

BUSYBOX_REMEDY = N_(
    'Write the start command in exec form (`CMD ["python", "server.py"]`), or use BusyBox\'s shell: '
    '`SHELL ["/busybox/sh", "-c"]` before it, or `sh` by name (`/busybox` is on the PATH).'
)


def _shell_run_without_shell(found: list[Stage]) -> tuple[Instruction, str] | None:
    """(the RUN, its stage's base image) for the first shell-form RUN in a stage built on an image with no
    ``/bin/sh``: distroless, its ``:debug`` tags included (their BusyBox is ``/busybox/sh``, distroless#419), and
    Chainguard's runtime images; None when every such stage (or one it builds FROM) sets a SHELL or has no
    shell-form RUN. One pass in file order: a stage's base and SHELL come from the stage it builds FROM, already seen
    (a Dockerfile may hold 50,000 stages)."""
    named: dict[str, int] = {}
    bases: list[Stage] = []
    shell_set: list[bool] = []
    for number, stage in enumerate(found):
        parent = named.get((stage.image or "").lower())
        bases.append(bases[parent] if parent is not None else stage)
        shell_set.append((parent is not None and shell_set[parent]) or stage.last("SHELL") is not None)
        if stage.name:
            named[stage.name.lower()] = number
        base = [bases[number]]
        if shell_set[number] or not (_shell_less(base) or _busybox_only(base)):
            continue
        for ins in stage.all("RUN"):
            if not ins.args.lstrip().startswith("["):
                return ins, _base_reference(base)[0]
    return None


def _missing_start_shell(scan: ProjectScan, found: list[Stage]) -> tuple[str, str, dict[str, object]] | None:
    """(problem, remedy, evidence) when the start command needs a shell the base image lacks: bash (or zsh) on an
    alpine image that does not install it (``exec: "bash": executable file not found in $PATH``), or any shell,
    a shell-form command's ``/bin/sh`` included, on an image without one (distroless); else None."""
    from tui.project.dockerfile import command_words
    from tui.project.start_script import start_shell

    start, instructions = scan.start_command(), scan.start_instructions()
    if start is None or not instructions:
        return None
    line, words = start
    shell = start_shell(words)
    chain = _stage_chain(found)
    exec_form = instructions[0].args.lstrip().startswith("[") and bool(command_words(instructions[0]))
    if _shell_less(chain) and (shell is not None or not exec_form):
        error = _start_error(words, shell, exec_form, no_shell=True)
        if not exec_form:
            problem = _(
                "Dockerfile line {line} writes the start command in shell form, which runs it with `/bin/sh -c`, but "
                "the base image {image} has no shell at all, so the container does not start ({error})"
            ).format(line=line, image=f"`{chain[0].image}`", error=error)
        else:
            problem = _(
                "Dockerfile line {line} starts the container with {shell}, but the base image {image} has no shell "
                "at all, so the container does not start ({error})"
            ).format(line=line, shell=f"`{shell}`", image=f"`{chain[0].image}`", error=error)
        return problem, _(NO_SHELL_REMEDY), {"line": line, "shell": shell or "/bin/sh", "base_image": chain[0].image}
    if _busybox_only(chain):
        return _missing_busybox_shell(line, words, shell, exec_form, chain)
    install = SHELL_INSTALLS.get(shell or "")
    if shell is None or install is None or not _on_alpine(chain):
        return None
    if any(install.search(i.args) for stage in chain for i in stage.all("RUN")):
        return None
    error = _start_error(words, shell, exec_form, no_shell=False)
    problem = _(
        "Dockerfile line {line} starts the container with {shell}, which the alpine base image {image} does not have "
        "(its shell is BusyBox `sh`), so the container does not start ({error})"
    ).format(line=line, shell=f"`{shell}`", image=f"`{chain[0].image}`", error=error)
    remedy = _(
        "Start it with `sh` (if it needs nothing of {shell}'s), or add `RUN apk add --no-cache {shell}`."
    ).format(shell=shell)
    return problem, remedy, {"line": line, "shell": shell, "base_image": chain[0].image}


STEP_DOWN = ("gosu", "su-exec")
"""Programs an entrypoint script runs to drop root before the server (``exec gosu app python server.py``), which no
python, debian, ubuntu or alpine base image carries."""


def _missing_step_down(
    script: StartScript, chain: list[Stage], every_stage: list[Stage], interpreter: str
) -> tuple[str, str, str] | None:
    """(problem, remedy, program) when the script's command runs gosu or su-exec on a known base image (python,
    debian, ubuntu, alpine) that never gets it: no RUN, COPY or ADD of any stage names it (a builder stage may fetch
    it for a ``COPY --from`` of a whole folder). The shell stops at that line (``exec: gosu: not found``), so the
    container never starts; None otherwise (or on a base not known)."""
    if script.command is None:
        return None
    words = script.command.words[1:] if script.command.words[:1] == ["exec"] else script.command.words
    program = words[0].rsplit("/", 1)[-1] if words else ""
    if program not in STEP_DOWN or not (_on_debian(chain) or _on_alpine(chain)):
        return None
    if any(
        program in i.args for stage in every_stage for i in stage.instructions if i.keyword in ("RUN", "COPY", "ADD")
    ):
        return None
    line = script.command.line
    if _on_alpine(chain):
        error = f"{script.image_path}: exec: line {line}: {program}: not found"  # BusyBox ash
    elif interpreter == "bash":
        error = f"{script.image_path}: line {line}: exec: {program}: not found"
    else:
        error = f"{script.image_path}: {line}: exec: {program}: not found"  # dash, Debian's sh
    problem = _(
        "{label} runs {program}, which the base image {image} does not have and nothing in the Dockerfile installs, "
        "so the container does not start ({error})"
    ).format(label=script.label, program=f"`{program}`", image=f"`{chain[0].image}`", error=f"`{error}`")
    if _on_alpine(chain) or program == "gosu":
        remedy = _("Install it (`{install}`), or drop it and set the user with `USER` in the Dockerfile instead.")
    else:  # su-exec is an alpine package; Debian and Ubuntu package gosu, which takes the same arguments
        remedy = _("Run gosu instead (`{install}`), or drop it and set the user with `USER` in the Dockerfile instead.")
    install = (
        f"RUN apk add --no-cache {program}" if _on_alpine(chain) else "RUN apt-get update && apt-get install -y gosu"
    )
    return problem, remedy.format(install=install), program


def _missing_busybox_shell(
    line: int, words: list[str], shell: str | None, exec_form: bool, chain: list[Stage]
) -> tuple[str, str, dict[str, object]] | None:
    """(problem, remedy, evidence) when a start command on a distroless ``:debug`` image needs a shell it lacks: a
    shell-form command's ``/bin/sh`` (unless a SHELL names another), a shell by a path outside ``/busybox``
    (``/bin/sh``), or one BusyBox does not have (bash); else None. ``sh`` by name finds ``/busybox/sh``."""
    image = f"`{chain[0].image}`"
    evidence: dict[str, object] = {"line": line, "base_image": chain[0].image}
    if not exec_form:
        if any(stage.last("SHELL") is not None for stage in chain):
            return None
        problem = _(
            "Dockerfile line {line} writes the start command in shell form, which runs it with `/bin/sh -c`, but the "
            "base image {image} has its shell only at `/busybox/sh` (BusyBox) and no `/bin/sh`, so the container "
            "does not start ({error})"
        ).format(line=line, image=image, error='`exec: "/bin/sh": stat /bin/sh: no such file or directory`')
        return problem, _(BUSYBOX_REMEDY), {**evidence, "shell": "/bin/sh"}
    if shell is None:
        return None
    word = next(w for w in words if w.rsplit("/", 1)[-1] == shell)
    if shell in BUSYBOX_SHELLS and (word == shell or word.startswith("/busybox/")):
        return None
    error = (
        f'`exec: "{word}": stat {word}: no such file or directory`'
        if word.startswith("/") and word == words[0]
        else _start_error(words, shell, exec_form, no_shell=False)
    )
    problem = _(
        "Dockerfile line {line} starts the container with {shell}, but the base image {image} has only BusyBox's "
        "`sh` under `/busybox`, so the container does not start ({error})"
    ).format(line=line, shell=f"`{word}`", image=image, error=error)
    return problem, _(BUSYBOX_REMEDY), {**evidence, "shell": word}


def _start_error(words: list[str], shell: str | None, exec_form: bool, *, no_shell: bool) -> str:
    """What the container says when the start command's shell is missing: a shell-form command runs under
    ``/bin/sh -c`` (missing itself on an image with no shell at all), Docker names an exec-form program it cannot
    find, and tini or dumb-init say it their own way."""
    if not exec_form:
        return (
            '`exec: "/bin/sh": stat /bin/sh: no such file or directory`'
            if no_shell
            else f"`/bin/sh: {shell}: not found`"
        )
    if words[0].rsplit("/", 1)[-1] == shell:
        return f'`exec: "{words[0]}": executable file not found in $PATH`'
    return f"`{shell}: not found`"


def _busybox_missing_shebang(first_line: str, chain: list[Stage]) -> str | None:
    """The ``#!`` path of a script that names a shell by a path a distroless ``:debug`` image lacks (``/bin/sh``,
    ``/bin/bash``: its BusyBox is under ``/busybox`` only); None otherwise, also for ``#!/usr/bin/env sh``, which
    this check does not judge."""
    if not _busybox_only(chain):
        return None
    words = first_line[2:].split()
    if not words or not words[0].startswith("/") or words[0].startswith("/busybox/"):
        return None
    return None if words[0].rsplit("/", 1)[-1] == "env" else words[0]


def _interpreter(first_line: str) -> str:
    """The program a ``#!`` line names (``bash`` for ``#!/usr/bin/env bash``); empty without one."""
    if not first_line.startswith("#!"):
        return ""
    words = first_line[2:].split()
    if words[:1] and words[0].rsplit("/", 1)[-1] == "env":
        words = [w for w in words[1:] if not w.startswith("-")]
    return words[0].rsplit("/", 1)[-1] if words else ""


@check(
    "project.start_script",
    title="The script the image starts can run",
    severity=Severity.CRITICAL,
    params=ProjectParams,
    needs=("project",),
    remediation="Give the start script LF line endings (`dos2unix entrypoint.sh`), the exec bit (`chmod +x "
    "entrypoint.sh`, or `RUN chmod +x /app/entrypoint.sh` in the Dockerfile), and a `#!` interpreter the image has.",
)
def start_script_runs(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """A start script with Windows line endings, without its exec bit (run directly), or whose `#!` names a shell the
    base image lacks (bash on alpine, `/bin/sh` on distroless `:debug`), and a start command whose own shell the image
    lacks (`bash …` on alpine, any shell or a shell-form command on distroless), stop the container before the server
    starts: the runtime never answers."""
    import os
    import stat

    from tui.checks.project import script_unread
    from tui.project.dockerfile import SHELLS
    from tui.project.reading import UnreadableProjectFile, read_project_text
    from tui.project.start_script import MAX_SCRIPT_BYTES, start_script

    scan, found = _docker(params)
    if unread := not_read(scan, "docker"):
        return unread
    if not found:
        return skipped(_no_image(scan) if found is None else _(NO_FROM))
    script = start_script(scan)
    missing_shell = _missing_start_shell(scan, found)
    if script is None:
        if missing_shell is not None:
            problem, remedy, shell_evidence = missing_shell
            return failed(
                problem,
                details=_(START_DETAILS),
                evidence=shell_evidence,
                remediation=remedy,
                withheld_fixes={"project.script_line_endings": _(NO_CRLF)},
            )
        return skipped(_("the image's start command runs no shell script"))
    text = None
    if script.path is not None and (script.crlf_line or not script.problem or script.command is not None):
        try:
            text = read_project_text(scan.root, script.path, MAX_SCRIPT_BYTES)
        except UnreadableProjectFile:
            text = None
    if text is None or "\x00" in text:
        return script_unread(script)
    chain = _stage_chain(found)
    file, shown = script.name, f"`{script.image_path}`"
    evidence: dict[str, object] = {"script": script.image_path, "file": file, "line": script.line}
    problems: list[str] = []
    remedies: list[str] = []
    if script.crlf_line:
        evidence["crlf_line"] = script.crlf_line
        problems.append(
            _(
                "{file} line {line} ends in `\\r`: the script has Windows line endings (CRLF), so the container does "
                "not start ({error})"
            ).format(
                file=file,
                line=script.crlf_line,
                error=f"`/bin/sh\\r`: `exec {script.image_path}: no such file or directory`"
                if not script.by_shell
                else "`$'\\r': command not found`",
            )
        )
        remedies.append(
            _(
                "Convert {file} to LF line endings (`dos2unix {file}`, or the fix), and keep it so with a "
                "`.gitattributes` line `*.sh text eol=lf`."
            ).format(file=file)
        )
    executable = ""
    if script.by_shell:
        executable = _("read by a shell, so it needs no exec bit")
    elif os.name == "nt":
        executable = _("its exec bit is not judged on Windows")
    else:
        try:
            mode = stat.S_IMODE(os.stat(script.path).st_mode)  # type: ignore[arg-type]
        except OSError:
            mode = 0o755
        evidence["mode"] = f"{mode:o}"
        chmod = _chmod_gives_exec(chain, script)
        if mode & 0o111:
            executable = _("executable (mode {mode})").format(mode=f"{mode:o}")
        elif chmod is not None:
            executable = _("executable (Dockerfile line {line} gives it the exec bit)").format(line=chmod)
        else:
            problems.append(
                _(
                    "Dockerfile line {line} runs {script} directly, but {file} is not executable (mode {mode}) and no "
                    "`RUN chmod +x` or `COPY --chmod=755` gives it the bit, so the container does not start ({error})"
                ).format(
                    line=script.line,
                    script=shown,
                    file=file,
                    mode=f"{mode:o}",
                    error=f"`exec {script.image_path}: permission denied`",
                )
            )
            remedies.append(
                _("Run `chmod +x {file}` in the project, or add `RUN chmod +x {path}` after its COPY.").format(
                    file=file, path=script.image_path
                )
            )
    if missing_shell is not None:
        problems.append(missing_shell[0])
        remedies.append(missing_shell[1])
        evidence.update(missing_shell[2])
    first_line = text.partition("\n")[0].rstrip("\r")
    interpreter = _interpreter(first_line)
    evidence["interpreter"] = interpreter or None
    judged = ""
    if script.by_shell or not interpreter:
        judged = ""
    elif interpreter in SHELLS and _shell_less(chain) and missing_shell is None:
        problems.append(
            _(
                "{file} line 1 starts it with {shell}, but the base image {image} has no shell at all, so the "
                "container does not start ({error})"
            ).format(
                file=file,
                shell=interpreter,
                image=f"`{chain[0].image}`",
                error=f"`exec {script.image_path}: no such file or directory`",
            )
        )
        remedies.append(_(NO_SHELL_REMEDY))
    elif interpreter in SHELLS and missing_shell is None and (shebang := _busybox_missing_shebang(first_line, chain)):
        problems.append(
            _(
                "{file} line 1 starts it with {shell}, but the base image {image} has its shell only at "
                "`/busybox/sh` (BusyBox), so the container does not start ({error})"
            ).format(
                file=file,
                shell=f"`{shebang}`",
                image=f"`{chain[0].image}`",
                error=f"`exec {script.image_path}: no such file or directory`",
            )
        )
        remedies.append(
            _("Start {file} with `#!/busybox/sh`, or run it as `sh {path}` (`/busybox` is on the PATH).").format(
                file=file, path=script.image_path
            )
        )
    elif interpreter == "bash" and _on_alpine(chain):
        if not any(BASH_INSTALL.search(i.args) for s in chain for i in s.all("RUN")):
            problems.append(
                _(
                    "{file} line 1 starts it with bash, which the alpine base image {image} does not have (its shell "
                    "is BusyBox `sh`), so the container does not start ({error})"
                ).format(
                    file=file,
                    image=f"`{chain[0].image}`",
                    error=f"`exec {script.image_path}: no such file or directory`",
                )
            )
            remedies.append(
                _("Start {file} with `#!/bin/sh` (if it needs no bash), or add `RUN apk add --no-cache bash`.").format(
                    file=file
                )
            )
        else:
            judged = _("the image installs bash")
    else:
        judged = (
            _("alpine has {shell}").format(shell=interpreter)
            if _on_alpine(chain) and interpreter in ("sh", "ash")
            else _("{image} is Debian-based and has {shell}").format(image=f"`{chain[0].image}`", shell=interpreter)
            if _on_debian(chain) and interpreter in ("bash", "dash")
            else _("{shell} in the base image is not judged").format(shell=interpreter)
            if interpreter not in ("sh",)
            else _("every Linux image has sh")
        )
    if missing := _missing_step_down(script, chain, found, interpreter):
        problems.append(missing[0])
        remedies.append(missing[1])
        evidence["missing_program"] = missing[2]
    details = _(START_DETAILS)
    if problems:
        return failed(
            "; ".join(problems),
            details=details,
            evidence=evidence,
            remediation=" ".join(remedies),
            # the fix converts line endings; offered only when that is (part of) what is wrong
            withheld_fixes={} if script.crlf_line else {"project.script_line_endings": _(NO_CRLF)},
        )
    parts = [_("LF line endings"), executable] + ([f"`#!` {interpreter}: {judged}"] if judged else [])
    return passed(
        _("{file} (Dockerfile line {line}): {verified}").format(
            file=file, line=script.line, verified="; ".join(p for p in parts if p)
        ),
        evidence=evidence,
    )


@check(
    "project.asgi_app",
    title="The app the start command serves is defined",
    severity=Severity.CRITICAL,
    params=ProjectParams,
    needs=("project",),
    remediation="Define the app at the module's top level (`app = mcp.streamable_http_app()` for FastMCP), not under "
    '`if __name__ == "__main__":`, or name the one it defines in the start command.',
)
def asgi_app(ctx: CheckContext, params: ProjectParams) -> CheckResult:
    """`uvicorn server:app` imports `server` and takes its `app`: a module that defines none (its server started by
    `mcp.run()` under `if __name__ == "__main__":`, which uvicorn never runs) stops the container at once."""
    from tui.project import pyparse
    from tui.project.asgi import MAX_MODULE_BYTES, asgi_target, defined_names, module_file
    from tui.project.reading import UnreadableProjectFile, read_project_text
    from tui.results import could_not_run

    scan, found = _docker(params)
    if unread := not_read(scan, "docker"):
        return unread
    if not found:
        return skipped(_no_image(scan) if found is None else _(NO_FROM))
    start = scan.start_command()
    if start is None:
        return skipped(_("the Dockerfile has no CMD or ENTRYPOINT"))
    line, words = start
    started_words = _started_words(scan, words, _("line {line}").format(line=line))
    if isinstance(started_words, CheckResult):
        return started_words
    words, at, _shown = started_words
    target = asgi_target(words)
    if target is None:
        return skipped(_("{where}: the start command serves no `module:app` (uvicorn, gunicorn…)").format(where=at))
    evidence: dict[str, object] = {"server": target.server, "app": target.word, "app_dir": target.app_dir}
    path = module_file(scan.root, target.app_dir or ".", target.module)
    if path is None:
        return skipped(
            _("{where}: module `{module}` is not a file of the project (an installed package is not read)").format(
                where=at, module=target.module
            ),
            evidence=evidence,
        )
    file = path.relative_to(scan.root).as_posix()
    evidence["file"] = file
    try:
        tree = pyparse.parse(read_project_text(scan.root, path, MAX_MODULE_BYTES), file)
    except (UnreadableProjectFile, SyntaxError) as exc:
        return could_not_run(_("{file} could not be read: {why}").format(file=file, why=exc), evidence=evidence)
    names = defined_names(tree)
    if names is None:
        return skipped(
            _("{file} makes names no reader can list (`from … import *`, `__getattr__`, `globals()`)").format(
                file=file
            ),
            evidence=evidence,
        )
    server_code = scan.server
    if (
        server_code is not None
        and target.attribute == server_code.server_var
        and server_code.era in ("v1", "v2")  # the official SDK's servers, known not to be callable
        and server_code.path.resolve() == path.resolve()
    ):
        # uvicorn takes any object; the server object is no ASGI app, so each request fails (ASGI2Middleware calls it)
        kind = "MCPServer" if server_code.era == "v2" else "FastMCP"
        return failed(
            _(
                "{where}: {server} serves `{app}`, the MCP server object itself, which is not an ASGI app: the server "
                "starts, then every request fails with HTTP 500 ({error})"
            ).format(
                where=at,
                server=target.server,
                app=target.word,
                error=f"`TypeError: '{kind}' object is not callable`",
            ),
            evidence=evidence | {"server_object": target.attribute},
            remediation=_(
                "Serve the app the server builds: `app = {var}.streamable_http_app()` in {file} and `{module}:app` in the "
                "start command."
            ).format(var=target.attribute, file=file, module=target.module),
        )
    if target.name in names:
        summary = _("{where}: {server} serves `{app}`, which {file} defines").format(
            where=at, server=target.server, app=target.word, file=file
        )
        if "." in target.attribute:
            summary += " " + _("(`{name}` is defined; what it holds is not judged)").format(name=target.name)
        return passed(summary, evidence=evidence)
    if target.server == "uvicorn":
        error = f'`Error loading ASGI app. Attribute "{target.attribute}" not found in module "{target.module}".`'
    elif target.server == "gunicorn":
        error = f"`Failed to find attribute '{target.attribute}' in '{target.module}'.`"
    else:
        error = f"`{target.attribute}` not found in `{target.module}`"
    return failed(
        _(
            "{where}: {server} serves `{app}`, but {file} defines no `{name}` at its top level, so the container "
            "exits at start ({error})"
        ).format(where=at, server=target.server, app=target.word, file=file, name=target.name, error=error),
        details=_(START_DETAILS),
        evidence=evidence,
    )
