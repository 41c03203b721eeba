#!/usr/bin/env bash
# Regenerate requirements.lock and requirements-test.lock from pyproject.toml, in a
# scratch virtualenv, so that a fresh install gets exactly the versions tested here.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/venv"
pip="$work/venv/bin/python -m pip"
$pip install --quiet --upgrade pip
deps() { "$python" -c "import tomllib,sys; d=tomllib.load(open('pyproject.toml','rb'))['project']; print('\n'.join(d['dependencies'] if sys.argv[1]=='run' else d['optional-dependencies']['test']))" "$1"; }
deps run > "$work/run.txt"
deps test > "$work/test.txt"
$pip install --quiet -r "$work/run.txt"
$pip freeze | grep -v '^pip==' > "$work/run.lock"
$pip install --quiet -r "$work/test.txt"
$pip freeze | grep -v '^pip==' > "$work/all.lock"
{ echo "# Exact versions of the runtime dependencies (pyproject.toml lists the ranges)."
  echo "# Regenerate with: make lock"
  cat "$work/run.lock"; } > requirements.lock
{ echo "# Exact versions for the test suite: runtime + test dependencies. Regenerate: make lock"
  echo "-r requirements.lock"
  grep -v -x -F -f "$work/run.lock" "$work/all.lock"; } > requirements-test.lock
echo "requirements.lock and requirements-test.lock updated"
