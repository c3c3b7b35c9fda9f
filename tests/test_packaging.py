"""Project hygiene: dependency lists agree, layout exists, data and notebooks stay clean in git."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: conda-forge packages whose names differ from PyPI's (a lighter build of the same library)
CONDA_ALIASES = {"matplotlib-base": "matplotlib", "seaborn-base": "seaborn", "pandera-base": "pandera"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_names = {
        CONDA_ALIASES.get(_name(d), _name(d)) for d in env["dependencies"] if isinstance(d, str)
    } - {"python", "pip"}
    # packages conda-forge lacks are installed by pip inside the environment
    conda_names |= {_name(d) for entry in env["dependencies"] if isinstance(entry, dict)
                    for d in entry.get("pip", []) if not d.startswith("-")}
    assert conda_names == pip_names, {"only in environment.yml": conda_names - pip_names,
                                      "only in pyproject.toml": pip_names - conda_names}
    assert "conda-forge" in env["channels"]
    assert any(d.startswith("python=3.11") for d in env["dependencies"] if isinstance(d, str))


def test_layout():
    for path in ["notebooks", "data/raw", "data/processed", "hwb_kpis", "tests", "environment.yml",
                 "README.md", "pyproject.toml", ".ci/run", "Makefile"]:
        assert (ROOT / path).exists(), path
    assert (ROOT / "data/raw/README.md").is_file() and (ROOT / "data/processed/README.md").is_file()


def _git(*args: str) -> list[str]:
    out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.split() if out.returncode == 0 else []


def test_no_data_or_reports_tracked_by_git():
    tracked = _git("ls-files", "data", "reports")
    offending = [p for p in tracked if not p.endswith("README.md")]
    assert offending == [], f"child-level data or rendered packs must never be committed: {offending}"


def test_data_folders_and_reports_are_git_ignored():
    for probe in ["data/raw/contacts.csv", "data/processed/contacts.parquet", "reports/2015-11/index.html"]:
        result = subprocess.run(["git", "check-ignore", "-q", probe], cwd=ROOT)
        assert result.returncode == 0, f"{probe} is not git-ignored"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^```(?:bash|sh)\n(.*?)```", readme, flags=re.S | re.M)[0].strip().splitlines()
    assert commands == ["make report", "make test"], commands
    ci = (ROOT / ".ci/run").read_text()
    assert re.search(r"^make test$", ci, flags=re.M)


def test_package_data_ships_every_data_file():
    """Every file of the package that is not Python (reference data, templates, the demo's YAML)
    matches a [tool.setuptools.package-data] glob, so an installed package has it."""
    from fnmatch import fnmatch

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["hwb_kpis"]
    package = ROOT / "hwb_kpis"
    data = [p.relative_to(package).as_posix() for p in package.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert any(d.startswith("demo/") for d in data) and any(d.startswith("report/templates/") for d in data)
    missing = [d for d in data if not any(fnmatch(d, g) for g in globs)]
    assert missing == [], f"not shipped with the package: {missing}"
