"""Supply chain: the lock files pin every package with hashes, match pyproject.toml, and
are what `make install`/`install-test` install (with --require-hashes).

These fail when someone edits pyproject.toml and forgets `make lock`, or hand-edits a lock.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RUN_LOCK = ROOT / "requirements.lock"
TEST_LOCK = ROOT / "requirements-test.lock"
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")

# Runtime dependencies that no file of ours names as a module, with where they are used.
USED_WITHOUT_IMPORT = {
    "argon2-cffi": "Django's Argon2PasswordHasher (PASSWORD_HASHERS)",
    "phonenumbers": "the parsing backend of django-phonenumber-field",
    "psycopg": "Django's PostgreSQL backend (DATABASE_URL=postgres://...)",
    "redis": "Django's RedisCache (CACHE_URL=redis://...)",
}


def _project() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]


def _lock_entries(path: Path) -> list[tuple[Requirement, list[str], str]]:
    """(requirement, hashes, logical line) for each entry of a lock file: continuation
    lines joined, comments dropped. Any option line (-r, -c, --index-url...) is an entry
    too, so that the tests below refuse it."""
    entries = []
    for logical in re.sub(r"\\\n", " ", path.read_text()).splitlines():
        line = logical.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        spec = HASH.sub("", line).strip()
        hashes = HASH.findall(line)
        try:
            requirement = Requirement(spec)
        except Exception:
            requirement = None
        entries.append((requirement, hashes, line))
    return entries


def _pins(path: Path) -> dict[tuple[str, str], tuple[str, frozenset[str]]]:
    """{(name, marker): (version, hashes)} of the exact pins of a lock file (the test
    above refuses any other line)."""
    pins = {}
    for requirement, hashes, _line in _lock_entries(path):
        specs = list(requirement.specifier) if requirement else []
        if len(specs) != 1 or specs[0].operator != "==":
            continue
        (spec,) = specs
        key = (canonicalize_name(requirement.name), str(requirement.marker or ""))
        pins[key] = (spec.version, frozenset(hashes))
    return pins


@pytest.mark.parametrize("path", [RUN_LOCK, TEST_LOCK], ids=lambda p: p.name)
def test_every_lock_entry_is_an_exact_pin_with_hashes(path):
    """pip --require-hashes refuses an install where any package, transitive ones too,
    lacks a hash; so does this test, before CI or production finds out."""
    entries = _lock_entries(path)
    assert len(entries) > 20, f"{path.name} looks empty"
    for requirement, hashes, line in entries:
        assert requirement is not None, f"{path.name}: not a requirement: {line!r}"
        specs = list(requirement.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{path.name}: not pinned: {line!r}"
        assert not requirement.url, f"{path.name}: URL requirement: {line!r}"
        assert hashes, f"{path.name}: no --hash for {requirement.name}: run make lock"


def test_run_lock_is_the_test_lock_subset():
    """What production installs is exactly what the tests ran with: same versions, same
    hashes, and nothing the tests did not have."""
    run, test = _pins(RUN_LOCK), _pins(TEST_LOCK)
    different = {key: pin for key, pin in run.items() if test.get(key) != pin}
    assert not different, f"requirements.lock disagrees with requirements-test.lock: {different}"


@pytest.mark.parametrize(
    "lock, group",
    [(RUN_LOCK, "dependencies"), (TEST_LOCK, "dependencies"), (TEST_LOCK, "test")],
    ids=["run-lock", "test-lock-runtime", "test-lock-test-extra"],
)
def test_every_pyproject_dependency_is_locked_within_its_range(lock, group):
    """A dependency added to (or a range changed in) pyproject.toml without `make lock`
    fails here rather than at install time."""
    project = _project()
    listed = (
        project["dependencies"]
        if group == "dependencies"
        else (project["optional-dependencies"][group])
    )
    pins = {name: version for (name, _marker), (version, _h) in _pins(lock).items()}
    for line in listed:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, (
            f"{requirement.name} is in pyproject.toml, not in {lock.name}: run make lock"
        )
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock.name} pins {name}=={pins[name]}, outside pyproject's {requirement}: "
            "run make lock"
        )


def test_pyproject_lists_each_dependency_once():
    project = _project()
    names = [
        canonicalize_name(Requirement(line).name)
        for line in project["dependencies"] + project["optional-dependencies"]["test"]
    ]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"listed more than once in pyproject.toml: {duplicates}"


def _our_source() -> str:
    """The text of our runtime code: Python modules, templates, Makefile and scripts
    (tests, benchmarks and docs excluded: a runtime dependency must serve the portal)."""
    skip = {"tests", "bench", "docs", "locale", "static", "var", "node_modules"}
    parts = [(ROOT / "Makefile").read_text()]
    for top in ROOT.iterdir():
        if not top.is_dir() or top.name.startswith(".") or top.name in skip:
            continue
        for path in top.rglob("*"):
            if path.suffix in {".py", ".html", ".sh"} and path.is_file():
                parts.append(path.read_text(errors="replace"))
    return "\n".join(parts)


def test_every_runtime_dependency_is_used():
    """An unused dependency is attack surface for nothing (defusedxml was one): every
    runtime dependency's module is named somewhere in our code, or listed above with
    where it is used."""
    modules: dict[str, set[str]] = {}
    for module, dists in importlib.metadata.packages_distributions().items():
        for dist in dists:
            modules.setdefault(canonicalize_name(dist), set()).add(module)
    source = _our_source()
    unused, missing = [], []
    for line in _project()["dependencies"]:
        name = canonicalize_name(Requirement(line).name)
        if name in USED_WITHOUT_IMPORT:
            continue
        if name not in modules:
            missing.append(name)
        elif not any(re.search(rf"\b{re.escape(m)}\b", source) for m in modules[name]):
            unused.append(name)
    assert not missing, f"not installed here (make lock, then make install-test): {missing}"
    assert not unused, f"runtime dependencies nothing of ours uses: {unused}"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_installs_the_locks_with_require_hashes(tmp_path):
    """What `make install` and `make install-test` would run (make -n: nothing runs)."""
    commands = subprocess.run(
        [
            "make",
            "-n",
            "-B",
            "-C",
            str(ROOT),
            f"VENV={tmp_path / 'venv'}",
            "install",
            "install-test",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installs = [line for line in commands.splitlines() if "pip install" in line]
    assert any("-r requirements.lock" in line for line in installs), commands
    assert any("-r requirements-test.lock" in line for line in installs), commands
    unhashed = [line for line in installs if "--require-hashes" not in line]
    assert not unhashed, f"pip install without --require-hashes: {unhashed}"
