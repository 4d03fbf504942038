"""Package layout that pyproject.toml cannot say on its own (everything else is in pyproject.toml).

``playbooks/`` at the top of the repository is the source of truth for the shipped playbooks.
Mapping it onto the package ``tui.playbooks`` makes every build carry it: the sdist keeps it at
``playbooks/``, the wheel installs it as ``tui/playbooks/``, and an editable install maps the
same name back onto the checkout. ``tui/playbook/locate.py`` finds it in each case.
"""

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

PLAYBOOK_INDEXES = "*.index.json"
"""The compiled signature index beside each playbook (``tui/playbook/signature_index.py``)."""


class BuildPy(build_py):
    """Ships the playbooks' signature indexes too: pyproject.toml's package-data, which setuptools applies over
    setup()'s own, lists only the playbooks' YAML for ``tui.playbooks``."""

    def finalize_options(self) -> None:
        super().finalize_options()
        listed = self.package_data.get("tui.playbooks", [])
        if PLAYBOOK_INDEXES not in listed:
            self.package_data = {**self.package_data, "tui.playbooks": [*listed, PLAYBOOK_INDEXES]}


setup(
    packages=[*find_namespace_packages(include=["tui", "tui.*"], exclude=["*.__pycache__"]), "tui.playbooks"],
    package_dir={"tui.playbooks": "playbooks"},
    cmdclass={"build_py": BuildPy},
)
