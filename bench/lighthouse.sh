#!/usr/bin/env bash
# Lighthouse (mobile) on the payer's main pages, against the real server (manage.py serve:
# gunicorn + WhiteNoise, DEBUG off, static files collected and compressed as in production) with the demo data in a scratch SQLite file.
# Usage: bench/lighthouse.sh          (needs Node >= 18, npm, /usr/bin/chromium)
# Figures go to bench/RESULTS.md by hand; LIGHTHOUSE_REPORT=file.html keeps the full report.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}
port=${PORT:-8766}
scratch=$(mktemp -d)
export DATABASE_URL="sqlite:///$scratch/lighthouse.sqlite3" DEBUG=false \
       SITE_URL="http://127.0.0.1:$port" ALLOWED_HOSTS=127.0.0.1,localhost \
       DJANGO_SETTINGS_MODULE=bench.lighthouse_settings LIGHTHOUSE_STATIC_ROOT="$scratch/static"
(cd "$here/bench/lighthouse" && [ -d node_modules/lighthouse ] || npm install --no-audit --no-fund)
"$python" "$here/manage.py" collectstatic --noinput --verbosity 0
"$python" "$here/manage.py" migrate --verbosity 0
"$python" "$here/manage.py" seed_demo --verbosity 0
"$python" "$here/manage.py" shell -c "
from accounts.models import FiscalCodeVerification, User
from organizations.models import Organization
user = User.objects.get(email='mario.rossi@example.it')
FiscalCodeVerification.objects.get_or_create(user=user, fiscal_code=user.fiscal_code,
    organization=Organization.objects.get(slug='comune-di-test'), defaults={'method': 'staff'})"
"$python" "$here/manage.py" serve --no-worker --port "$port" >"$scratch/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$scratch"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
node "$here/bench/lighthouse/lighthouse.mjs" "http://127.0.0.1:$port"
