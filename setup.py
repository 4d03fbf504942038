"""Package layout that pyproject.toml cannot say on its own (everything else is in pyproject.toml).

``playbooks/`` at the top of the repository is the source of truth for the shipped playbooks.
Mapping it onto the package ``tui.playbooks`` makes every build carry it: the sdist keeps it at
``playbooks/``, the wheel installs it as ``tui/playbooks/``, and an editable install maps the
same name back onto the checkout. ``tui/playbook/locate.py`` finds it in each case.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["tui", "tui.*"], exclude=["*.__pycache__"]), "tui.playbooks"],
    package_dir={"tui.playbooks": "playbooks"},
)
