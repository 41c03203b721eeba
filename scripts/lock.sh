#!/usr/bin/env bash
# Regenerate requirements-test.lock and requirements.lock from pyproject.toml, every line
# pinned with the sha256 of each of its files, so that `pip install --require-hashes`
# (make install / install-test) installs exactly what was tested and nothing else.
#
# uv resolves; it is installed from PyPI into a scratch virtualenv at a fixed version, so
# nothing is assumed on the machine. The versions already in the lock files are kept
# (uv prefers the pins of an existing output file): adding a dependency adds its pins
# and upgrades nothing by surprise. To upgrade on purpose:
#   make lock LOCK_ARGS="--upgrade-package django"      (or LOCK_ARGS=--upgrade for all)
#
# One resolution covers everything (runtime + test extra) and makes requirements-test.lock;
# requirements.lock is then resolved with that file as a constraint, so its pins are the
# same versions and hashes, a subset of the test lock. Both are universal (markers for
# other platforms and Pythons) and hold the hashes of every wheel and sdist of a pin.
# uv asks PyPI itself (it does not read pip.conf): for a mirror set UV_INDEX_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
uv_version=0.13.8
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$uv_version"
# shellcheck disable=SC2086  # LOCK_ARGS is a list of options
compile() {
  "$work/venv/bin/uv" pip compile --quiet --universal --python-version 3.11 \
    --generate-hashes --annotation-style line --custom-compile-command "make lock" \
    ${LOCK_ARGS:-} "$@"
}
compile pyproject.toml --extra test -o requirements-test.lock
compile pyproject.toml -c requirements-test.lock -o requirements.lock
# AgID's spid-sp-test has its own virtualenv (.ci/run), hence its own lock.
compile scripts/spid-sp-test.in -o requirements-spid-sp-test.lock
echo "requirements-test.lock, requirements.lock and requirements-spid-sp-test.lock updated" \
  "(uv $uv_version)"
