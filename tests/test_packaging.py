"""The distribution's dependencies and the locks in requirements/.

`elasticache-cdk-kit` (constructs_lib) needs aws-cdk-lib and constructs only; the `verify` extra adds
what elasticache-verify (postdeploy) needs. Each has its own hashed lock, and the development lock
holds both: a package in several locks must have the same version in each, the one the tests ran.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

REQUIREMENTS = ROOT / "requirements"
LOCKS = ("lib", "verify", "dev", "uv")
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")
HASH = re.compile(r"^\s+--hash=sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class Locked:
    version: str
    hashes: int


def read_lock(name: str) -> dict[tuple[str, str], Locked]:
    """``(canonical name, marker)`` to the locked version and its number of hashes."""
    locked: dict[tuple[str, str], Locked] = {}
    key: tuple[str, str] | None = None
    for line in (REQUIREMENTS / f"{name}.txt").read_text().splitlines():
        if match := PIN.match(line):
            key = (canonicalize_name(match["name"]), (match["marker"] or "").strip())
            assert key not in locked, f"{name}.txt locks {key} twice"
            locked[key] = Locked(match["version"], 0)
        elif HASH.match(line):
            assert key is not None
            locked[key] = Locked(locked[key].version, locked[key].hashes + 1)
    return locked


def read_input(name: str, *, follow: bool = True) -> dict[str, str]:
    """The pins of ``requirements/<name>.in`` (and, with ``follow``, of the inputs it includes)."""
    pins: dict[str, str] = {}
    for line in (REQUIREMENTS / f"{name}.in").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            if follow:
                pins.update(read_input(line.removeprefix("-r ").strip().removesuffix(".in")))
        elif line:
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"{name}.in: pin {line!r} exactly"
            pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


@pytest.mark.parametrize("name", LOCKS)
def test_each_lock_is_hashed_and_states_its_target(name: str) -> None:
    lock = read_lock(name)
    assert lock
    assert all(entry.hashes for entry in lock.values()), f"{name}.txt has a package without a hash"
    header = (REQUIREMENTS / f"{name}.txt").read_text().splitlines()[:2]
    assert "--universal --python-version 3.11" in header[0]
    assert "CPython 3.11 or newer" in header[1]


@pytest.mark.parametrize("name", LOCKS)
def test_each_lock_pins_its_inputs_at_their_versions(name: str) -> None:
    versions = {package: entry.version for (package, _), entry in read_lock(name).items()}
    for package, version in read_input(name).items():
        assert versions.get(package) == version, f"{name}.txt: {package} is not at {version}; run make lock"


@pytest.mark.parametrize("name", ["lib", "verify", "uv"])
def test_smaller_locks_take_the_development_lock_versions(name: str) -> None:
    dev = read_lock("dev")
    for key, entry in read_lock(name).items():
        assert key in dev, f"{key} of {name}.txt is not in dev.txt"
        assert dev[key] == entry, f"{key}: {name}.txt has {entry}, dev.txt {dev[key]}"


def test_the_library_lock_is_part_of_the_checker_lock() -> None:
    assert read_lock("lib").items() <= read_lock("verify").items()


def test_pyproject_dependencies_are_the_library_and_verify_inputs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    library = [Requirement(spec) for spec in project["dependencies"]]
    verify = [Requirement(spec) for spec in project["optional-dependencies"]["verify"]]
    assert {canonicalize_name(r.name) for r in library} == set(read_input("lib"))
    # The extra lists what the checker imports; botocore is boto3's, pinned for a matching release.
    assert {canonicalize_name(r.name) for r in verify} == set(read_input("verify", follow=False)) - {"botocore"}
    pinned = read_input("verify")
    for requirement in (*library, *verify):
        version = pinned[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version), f"pyproject.toml {requirement} excludes the tested {version}"


def imported_modules(package: Path, *, skip: tuple[Path, ...] = ()) -> set[str]:
    """Full names of every absolute import of a package's modules (but those in ``skip``), standard
    library excluded."""
    names: set[str] = set()
    for path in package.rglob("*.py"):
        if path in skip:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    return {name for name in names if name.split(".")[0] not in sys.stdlib_module_names}


def top_level(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_the_library_imports_only_its_dependencies() -> None:
    library = ROOT / "constructs_lib"
    # Run elsewhere, not by the library: the rotation handler in Lambda (boto3 comes with Lambda's
    # Python runtime, redis-py is bundled into its asset from this environment, hence redis in the
    # dependencies), and the facts refresher by maintainers (it reads cfn-lint's data).
    handler = library / "rotation" / "handler.py"
    refresher = library / "facts" / "refresh.py"
    # jsii is the runtime of aws-cdk-lib and constructs, installed with them.
    allowed = {"constructs_lib", "aws_cdk", "constructs", "jsii"}
    assert top_level(imported_modules(library, skip=(handler, refresher))) <= allowed
    assert top_level(imported_modules(handler.parent)) <= allowed | {"boto3", "redis"}


def test_the_checker_imports_only_the_verify_extra() -> None:
    imported = imported_modules(ROOT / "postdeploy")
    # redis-py (the data-plane probe) is a dependency of the library, so of the extra too.
    assert top_level(imported) <= {"postdeploy", "constructs_lib", "boto3", "botocore", "click", "cfnlint", "redis"}
    # From the library, only the CDK-free facts: the checker must not load aws-cdk-lib and jsii.
    assert {name for name in imported if name.startswith("constructs_lib")} <= {
        name for name in imported if name.startswith("constructs_lib.facts")
    }
