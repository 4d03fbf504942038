"""The built wheel works where users install it: not editable, no extras, outside the repository.

The sdist is built from a copy of the checkout and the wheel from that sdist (``python -m build
--no-isolation``, with the setuptools the test extra installs), so both must carry the playbooks.
The wheel goes into a fresh virtual environment without pip. Its dependencies are the ones it
declares without extras, linked file by file from this environment's installed distributions (same
interpreter, no network, no download): moto, the sandbox extra, is absent there, as in a plain
``pipx install``. ``pip check`` proves the environment satisfies the wheel's requirements.
"""

from __future__ import annotations

import email
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 120

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]


@dataclass
class Installed:
    venv: Path
    workdir: Path
    """An empty directory outside the repository: the commands' working directory and HOME."""
    sdist: Path
    wheel: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def env(self) -> dict[str, str]:
        """No AWS credentials or config, no agentcore-triage variables, nothing from this checkout."""
        keep = {"LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(
            PATH=f"{self.venv / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
            HOME=str(self.workdir),
            XDG_STATE_HOME=str(self.workdir / "state"),
            AWS_CONFIG_FILE=str(self.workdir / "no-aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(self.workdir / "no-aws-credentials"),
            AWS_EC2_METADATA_DISABLED="true",  # no instance-metadata lookups for credentials
            NO_COLOR="1",
        )
        return env

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "agentcore-triage"), *args],
            check=False,
            cwd=self.workdir,
            env=self.env(),
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )


def _pip(*args: str) -> subprocess.CompletedProcess[str]:
    """This environment's pip, without the machine's pip configuration (no index, no find-links)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return subprocess.run(
        [sys.executable, "-m", "pip", *args],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def _wheel_requirements(wheel: Path) -> list[Requirement]:
    """The wheel's own Requires-Dist, without extras (what a plain install brings)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(archive.read(name))
    requirements = [Requirement(r) for r in meta.get_all("Requires-Dist") or []]
    return [r for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""})]


def _dependency_closure(roots: list[Requirement]) -> list[metadata.Distribution]:
    """Every installed distribution the roots need, with their requested extras, markers evaluated here."""
    found: dict[str, metadata.Distribution] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    queue = list(roots)
    while queue:
        req = queue.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        dist = metadata.distribution(req.name)  # PackageNotFoundError: this environment lacks a dependency
        found.setdefault(key[0], dist)
        for line in dist.requires or []:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in (*req.extras, "")):
                queue.append(sub)
    return list(found.values())


def _link_distributions(dists: list[metadata.Distribution], site_packages: Path) -> None:
    """Symlink the installed distributions' files (modules and .dist-info) into another site-packages.

    A top-level entry (``botocore/``, ``typing_extensions.py``) is linked whole when every installed distribution
    with files under it is among ``dists``: then the link shows nothing else (``moto/`` stays out), and one link
    replaces thousands (botocore alone has over 2000 files; linking file by file cost over 3 s of CPU). An entry
    that a distribution outside ``dists`` shares (a namespace package) is linked file by file.
    """
    wanted = {canonicalize_name(d.metadata["Name"]) for d in dists}
    owners: dict[str, set[str]] = {}
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        for file in dist.files or []:
            owners.setdefault(file.parts[0], set()).add(name)
    links: dict[Path, Path] = {}
    for dist in dists:
        files = dist.files
        assert files, f"{dist.metadata['Name']} has no RECORD: cannot tell its files"
        for file in files:
            if file.parts[0] == ".." or "__pycache__" in file.parts:  # scripts in bin/, bytecode
                continue
            entry = Path(file.parts[0]) if owners[file.parts[0]] <= wanted else Path(file)
            links.setdefault(entry, Path(dist.locate_file(entry)))
    for entry, source in links.items():
        target = site_packages / entry
        if source.exists() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)


# Slow (justified): builds the sdist and the wheel and installs it into a fresh venv, once per module (all of this
# module's tests share it on one xdist worker through the "wheel" group): the only proof the published artefact works.
@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    source, dist_dir, venv, workdir = base / "src", base / "dist", base / "venv", base / "work"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "*.pyc"
    )
    shutil.copytree(REPO, source, ignore=ignore)
    # --skip-dependency-check: build's check of [build-system] requires against this environment runs two more hook
    # processes; a setuptools that could not build the project fails the build below anyway, naming why.
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--skip-dependency-check",
            "--outdir",
            str(dist_dir),
            str(source),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (sdist,) = dist_dir.glob("agentcore_triage-*.tar.gz")
    (wheel,) = dist_dir.glob("agentcore_triage-*.whl")

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=COMMAND_TIMEOUT)
    probe = [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    site_packages = Path(subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip())
    _link_distributions(_dependency_closure(_wheel_requirements(wheel)), site_packages)
    target = ["--python", str(venv / "bin" / "python")]
    done = _pip(*target, "install", "--no-deps", "--no-index", "--no-compile", str(wheel))
    assert done.returncode == 0, done.stdout + done.stderr
    check = _pip(*target, "check")
    assert check.returncode == 0, f"the wheel's requirements are not satisfied:\n{check.stdout}{check.stderr}"
    workdir.mkdir()
    return Installed(venv=venv, workdir=workdir, sdist=sdist, wheel=wheel)


def test_sdist_and_wheel_carry_the_playbooks(installed: Installed) -> None:
    with tarfile.open(installed.sdist) as archive:
        sdist_names = {Path(*Path(n).parts[1:]).as_posix() for n in archive.getnames()}
    with zipfile.ZipFile(installed.wheel) as archive:
        wheel_names = set(archive.namelist())
    for playbook in [*(REPO / "playbooks").glob("*.yaml"), *(REPO / "playbooks").glob("*.index.json")]:
        assert f"playbooks/{playbook.name}" in sdist_names
        assert f"tui/playbooks/{playbook.name}" in wheel_names
    assert not any(n.startswith("playbooks/") for n in wheel_names), "no top-level package named playbooks"


def test_the_installed_package_is_the_wheel_without_extras(installed: Installed) -> None:
    code = "import importlib.util, tui; print(tui.__file__); print(importlib.util.find_spec('moto'))"
    out = subprocess.run(
        [str(installed.python), "-c", code],
        check=False,
        cwd=installed.workdir,
        env=installed.env(),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert out.returncode == 0, out.stderr
    tui_file, moto_spec = out.stdout.splitlines()
    assert Path(tui_file).is_relative_to(installed.venv), tui_file
    assert moto_spec == "None", "the sandbox extra must not be installed"


def test_playbooks_list(installed: Installed) -> None:
    out = installed.run("playbooks", "list")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "agentcore-mcp"
    assert "invalid" not in out.stdout


def test_match(installed: Installed) -> None:
    out = installed.run("match", "is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:x")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("1. ") and "[agentcore-mcp:" in out.stdout


def test_logs_finds_the_signature_index_the_wheel_ships(installed: Installed) -> None:
    out = installed.run("logs", "--since", "1h", "-v")
    assert out.returncode == 2 and "which runtime?" in out.stderr, out.stderr  # the index is read before that
    assert "classifying with the signature index of agentcore-mcp" in out.stderr, out.stderr


def test_checks_list(installed: Installed) -> None:
    out = installed.run("checks", "list", "--format", "json")
    assert out.returncode == 0, out.stderr
    ids = {c["id"] for c in json.loads(out.stdout)}
    assert {"context.required", "aws.identity", "endpoint.initialize", "project.layout"} <= ids


def test_doctor_json_without_credentials_is_a_clean_report(installed: Installed) -> None:
    out = installed.run("doctor", "--format", "json")
    assert out.returncode in (0, 1), out.stderr
    assert "Traceback" not in out.stderr
    report = json.loads(out.stdout)
    assert report["tool"] == "agentcore-triage"
    assert report["playbook"] == "agentcore-mcp"
    assert report["findings"], "the required-values checks at least report"


def test_demo_without_the_sandbox_extra_says_how_to_install_it(installed: Installed) -> None:
    out = installed.run("demo")
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "pip install 'agentcore-triage[sandbox]'" in lines[0]


def test_doctor_with_a_runtime_and_no_credentials_says_so(installed: Installed) -> None:
    arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/mcp_server-AbCdEf1234"
    out = installed.run(
        "doctor", "--format", "json", "--runtime", arn, "--only", "aws.identity", "--only", "have-endpoint"
    )
    assert out.returncode == 1, out.stderr
    findings = {
        f["check"] if f["check"] != "context.given" else "have-endpoint": f for f in json.loads(out.stdout)["findings"]
    }
    assert findings["aws.identity"]["status"] == "error"
    assert findings["aws.identity"]["summary"].startswith("no AWS credentials")
    assert findings["have-endpoint"]["status"] == "pass"  # built from the ARN with botocore's endpoint resolution
