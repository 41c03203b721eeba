"""paForNode.xsd is built once per process, under the validation lock.

libxml2 sets up its built-in types when a process parses its first schema; threads doing
that at once fail ("not a built-in type", "not valid XML Schema"). A new gunicorn worker
(gthread) meets exactly that when the Node's first calls arrive together: the benchmark
saw paSendRTV2 answer 500 so.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from lxml import etree

from pagopa.soap import _xml

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = b'<paVerifyPaymentNoticeReq xmlns="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"/>'


def test_the_schema_is_built_under_the_lock(monkeypatch):
    built_locked = []
    real = etree.XMLSchema

    def recording(*args, **kwargs):
        built_locked.append(_xml._schema_lock.locked())
        return real(*args, **kwargs)

    _xml._schema.cache_clear()
    monkeypatch.setattr(_xml.etree, "XMLSchema", recording)
    try:
        assert _xml.schema_errors(etree.fromstring(PAYLOAD))  # invalid: fields missing
    finally:
        _xml._schema.cache_clear()
    assert built_locked == [True]


FIRST_CALLS_TOGETHER = textwrap.dedent("""
    import sys, threading
    from lxml import etree
    from pagopa.soap import _xml

    payload = etree.fromstring(sys.argv[1].encode())
    barrier = threading.Barrier(8)
    errors = []

    def first_call():
        barrier.wait()
        try:
            _xml.schema_errors(payload)
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=first_call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(errors[0] if errors else "ok")
""")


def test_first_calls_of_a_new_process_together():
    """Eight threads validate at once in each of six new interpreters (without the lock,
    about one interpreter in three failed on this machine)."""
    outcomes = [subprocess.run([sys.executable, "-c", FIRST_CALLS_TOGETHER, PAYLOAD.decode()],
                               cwd=ROOT, capture_output=True, text=True, timeout=60)
                for _ in range(6)]  # one after the other: each needs both cores to race
    assert [o.stdout.strip() for o in outcomes] == ["ok"] * 6, outcomes
