"""Where a Dockerfile's project environment lives, and whether the image's start command runs inside it.

``uv sync``, ``poetry install``, ``pdm install`` and ``pipenv install`` put the dependencies into a virtual environment
(uv and PDM: ``<WORKDIR>/.venv``), not into the image's Python, and that environment's ``bin/`` is not on the image's
PATH unless the Dockerfile puts it there. A ``CMD ["python", …]`` then starts the image's own Python, which has none of
the dependencies (``ModuleNotFoundError: No module named 'mcp'``), and ``CMD ["opentelemetry-instrument", …]`` is not
found at all (``exec: "opentelemetry-instrument": executable file not found in $PATH``: aws/agentcore-cli#471 fixed
exactly this in its own container template). Read from the Dockerfile's text; nothing is run.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass

from tui.project.dockerfile import SYSTEM_BIN, Instruction, Stage, copy_words

INSTALLERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("uv", re.compile(r"\buv\s+sync\b")),
    ("Poetry", re.compile(r"\bpoetry\s+(?:install|sync)\b")),
    ("PDM", re.compile(r"\bpdm\s+(?:install|sync)\b")),
    ("Pipenv", re.compile(r"\bpipenv\s+(?:install|sync)\b")),
)
"""The commands that install a project into an environment of their own, by tool."""
SYSTEM_PREFIXES = frozenset({"/usr", "/usr/local"})
"""``UV_PROJECT_ENVIRONMENT`` values that are the image's Python itself (its scripts land on PATH)."""
FALSE = ("false", "0", "no", "off")
TRUE = ("true", "1", "yes", "on")


@dataclass(frozen=True)
class EnvironmentInstall:
    """A RUN that installs the project into a virtual environment the final image has."""

    line: int
    command: str
    tool: str
    bin_dir: str | None
    """Where the environment's programs are in the final image, when the Dockerfile says (uv, PDM, in-project
    Poetry and Pipenv); None for Poetry's and Pipenv's default, a directory under the user's cache."""
    copied: bool = False
    """Installed in another stage and copied into the final one (which may not have the tool to ``run`` it)."""


def env_pairs(args: str) -> list[tuple[str, str]]:
    """An ENV instruction's ``KEY=value`` pairs (or its legacy ``KEY value`` form), in order."""
    try:
        words = shlex.split(args)
    except ValueError:
        words = args.split()
    if words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    return [(key, value) for key, sep, value in (w.partition("=") for w in words) if sep]


def expand(value: str, variables: dict[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` replaced from ``variables`` (the Dockerfile's ENV; left as written when unknown)."""
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: variables.get(m.group(1) or m.group(2), m.group(0)), value)


@dataclass
class ImageState:
    """What a stage's instructions have set up by its end (the final stage's: what the image runs with)."""

    workdir: str
    image_env: dict[str, str]
    """The Dockerfile's ENV values, variables it sets expanded."""
    installs: list[EnvironmentInstall]
    """The project environments the stage has: installed in it, or in a stage it copies the environment from."""

    @property
    def path_dirs(self) -> list[str]:
        """The directories its PATH names that the Dockerfile adds (``ENV PATH=/app/.venv/bin:$PATH``); ``$PATH``
        itself (the base image's) left out."""
        return [
            posixpath.normpath(part)
            for part in self.image_env.get("PATH", "").split(":")
            if part and "$" not in part and posixpath.normpath(part) not in SYSTEM_BIN
        ]


def _install(
    tool: str, run: str, line: int, shown: str, state: ImageState, config: dict[str, str]
) -> EnvironmentInstall | None:
    """The environment a RUN of ``tool`` installs into, or None when it installs into the image's Python."""
    inline = dict(re.findall(r"(?:^|[\s;&|])([A-Z][A-Z0-9_]*)=(\S+)", run))
    image_env = {**state.image_env, **{k: v.strip("\"'") for k, v in inline.items()}}
    venv: str | None = posixpath.join(state.workdir, ".venv")
    if tool == "uv":
        if target := image_env.get("UV_PROJECT_ENVIRONMENT"):
            venv = posixpath.normpath(posixpath.join(state.workdir, expand(target, image_env)))
            if venv in SYSTEM_PREFIXES:
                return None
    elif tool == "Poetry":
        create = image_env.get("POETRY_VIRTUALENVS_CREATE", config.get("virtualenvs.create", "")).lower()
        if create in FALSE:
            return None
        in_project = image_env.get("POETRY_VIRTUALENVS_IN_PROJECT", config.get("virtualenvs.in-project", "")).lower()
        venv = venv if in_project in TRUE else None
    elif tool == "Pipenv":
        if re.search(r"\s--system\b", run):
            return None
        venv = venv if image_env.get("PIPENV_VENV_IN_PROJECT", "").lower() in TRUE else None
    return EnvironmentInstall(line, shown, tool, posixpath.join(venv, "bin") if venv else None)


def image_state(stages: list[Stage]) -> ImageState:
    """The final stage's working directory, ENV and project environments, each stage starting from the one its FROM
    names; an environment copied from another stage (``COPY --from=builder /app/.venv /app/.venv``, or a directory
    holding it) is where it lands."""
    states: dict[str, ImageState] = {}
    config: dict[str, str] = {}
    final: ImageState | None = None
    for number, stage in enumerate(stages):
        parent = states.get((stage.image or "").lower())
        state = ImageState(parent.workdir if parent else "/", dict(parent.image_env) if parent else {}, [])
        if parent:
            state.installs = list(parent.installs)
        for ins in stage.instructions:
            if ins.keyword == "WORKDIR":
                state.workdir = posixpath.normpath(
                    posixpath.join(state.workdir, expand(ins.args.strip("\"' "), state.image_env))
                )
            elif ins.keyword == "ENV":
                for key, value in env_pairs(ins.args):
                    state.image_env[key] = expand(value, state.image_env)
            elif ins.keyword == "RUN":
                for key, value in re.findall(r"poetry\s+config\s+(virtualenvs\.[\w-]+)\s+(\S+)", ins.args):
                    config[key] = value.strip("\"'")
                for tool, pattern in INSTALLERS:
                    if pattern.search(ins.args):
                        shown = ins.text if len(ins.text) <= 300 else ins.text[:300] + "…"
                        if install := _install(tool, ins.args, ins.line, shown, state, config):
                            state.installs.append(install)
            elif ins.keyword == "COPY" and "--from=" in ins.args:
                state.installs += _copied(ins, state.workdir, states)
        if stage.name:
            states[stage.name.lower()] = state
        states[str(number)] = state
        final = state
    return final or ImageState("/", {}, [])


def _copied(ins: Instruction, workdir: str, states: dict[str, ImageState]) -> list[EnvironmentInstall]:
    """The environments a ``COPY --from=<stage> src… dest`` brings over, at their new place."""
    words = copy_words(ins)
    source_stage = next((w.split("=", 1)[1] for w in words if w.startswith("--from=")), "").lower()
    paths = [w for w in words if not w.startswith("--")]
    state = states.get(source_stage)
    if state is None or len(paths) < 2:
        return []
    dest = posixpath.normpath(posixpath.join(workdir, paths[-1]))
    out: list[EnvironmentInstall] = []
    for install in state.installs:
        if install.bin_dir is None:
            continue
        venv = posixpath.dirname(install.bin_dir)
        for source in paths[:-1]:
            source = posixpath.normpath(posixpath.join(state.workdir, source))
            if venv == source or venv.startswith(source.rstrip("/") + "/"):
                moved = dest if venv == source else posixpath.join(dest, posixpath.relpath(venv, source))
                out.append(
                    EnvironmentInstall(install.line, install.command, install.tool, posixpath.join(moved, "bin"), True)
                )
    return out
