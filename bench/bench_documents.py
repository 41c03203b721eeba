"""Render N notices and N receipts and print the mean time per document.

Run from the repository root:
    python bench/bench_documents.py [N]
No assertions: it reports figures only, to compare before and after a change. Each row
gives the wall time and the CPU time of this process (``time.process_time()``, which
other processes on a shared machine disturb far less) and the load average, and the
notices vary the debtor's name per document so that nothing is measured on a repeated
text only.
"""

from __future__ import annotations

import os
import platform
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from documents.avviso import render_notice  # noqa: E402
from documents.data import (  # noqa: E402
    EnteInfo,
    InstallmentInfo,
    NoticeInfo,
    PartyInfo,
    PostalAccount,
    QuietanzaInfo,
    ReceiptTransferInfo,
)
from documents.quietanza import render_receipt  # noqa: E402

ENTE = EnteInfo(name="Comune di Esempio", fiscal_code="00123456789", sector="Tributi",
                website="www.comune.example.it", email="tributi@comune.example.it")
DEBTOR = PartyInfo("Mario Rossi", "RSSMRA80A01H501U", ("Via Roma 1", "00100 Roma (RM)"))
# Debtors of different names and addresses (different glyphs in each document).
DEBTORS = (
    DEBTOR,
    PartyInfo("Giulia Bianchi", "BNCGLI85M41F205X", ("Corso Buenos Aires 12", "20124 Milano (MI)")),
    PartyInfo("Niccolò D'Agostino", "DGSNCL72P10G273Q", ("Via Libertà 7/B", "90139 Palermo (PA)")),
    PartyInfo("Zoe Kwiatkowski-Ferré", "KWTZOE99E55Z110J", ("Piazza Unità d'Italia 4",
                                                          "34121 Trieste (TS)")),
    PartyInfo("Hotel Vesuvio S.r.l.", "04567890123", ("Lungomare Caracciolo 88",
                                                      "80122 Napoli (NA)")),
    PartyInfo("Jacopo Quaranta", "QRNJCP90H12L219W", ("Strada Yvonne 3", "10121 Torino (TO)")),
)


POSTE = EnteInfo(name="Comune di Esempio", fiscal_code="00123456789", sector="Tributi",
                 website="www.comune.example.it",
                 postal_account=PostalAccount("000016302093", "Comune di Esempio",
                                              "AUT. DB/SSIC/E 12345 DEL 01/02/2024"))


def item(i: int, k: int = 0) -> InstallmentInfo:
    number = f"3{i % 46:02d}{i * 100 + k:013d}"
    number += f"{int(number) % 93:02d}"
    return InstallmentInfo(number, number[1:], 10_000 + i + k, date(2026 + k // 12, 1 + k % 12, 28),
                           description=f"TARI 2026 - rata {k} di N" if k else "")


def notice(i: int, rates: int = 0, ente: EnteInfo = ENTE) -> NoticeInfo:
    return NoticeInfo(
        subject=f"Tassa sui rifiuti 2025 - posizione {i}",
        ente=ente,
        debtor=DEBTORS[i % len(DEBTORS)],
        single_payment=item(i),
        installments=tuple(item(i, k + 1) for k in range(rates)),
    )


def receipt(i: int) -> QuietanzaInfo:
    return QuietanzaInfo(
        ente=ENTE, debtor=DEBTORS[i % len(DEBTORS)], service_name="Diritti di segreteria",
        causale=f"Certificato n. {i}", amount_cents=2200, fee_cents=100,
        payment_datetime=datetime(2025, 3, 14, 9, 0, tzinfo=UTC),
        iuv="00715700000000032", notice_number="300715700000000032",
        receipt_id=f"receipt{i:08d}", psp_name="Banca Esempio", psp_fiscal_code="01234567890",
        channel="Online", payment_method="Carta",
        transfers=(ReceiptTransferInfo("Comune di Esempio", "00123456789",
                                       "IT60X0542811101000000123456", 2200),),
        verification_url=f"https://sportello.example.it/q/{i:06d}",
    )


def bench(name: str, render: Callable[[int], bytes], n: int) -> None:
    # Warm-up (imports, fonts in the OS cache), and the page count of the PDF.
    pages = len(re.findall(rb"/Type /Page\b(?!s)", render(0)))
    start, cpu_start = time.perf_counter(), time.process_time()
    size = 0
    for i in range(n):
        size += len(render(i))
    cpu = time.process_time() - cpu_start
    elapsed = time.perf_counter() - start
    print(f"{name:<22} n={n:<4} {pages} pages  CPU {cpu / n * 1000:6.1f} ms/doc "
          f"{cpu / n / pages * 1000:5.1f} ms/page   wall {elapsed / n * 1000:6.1f} ms/doc "
          f"{elapsed / n / pages * 1000:5.1f} ms/page   size {size / n / 1024:5.1f} KiB   "
          f"load {os.getloadavg()[0]:.2f}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {cpu}; single process")
    bench("avviso", lambda i: render_notice(notice(i)), n)
    bench("avviso + bollettino", lambda i: render_notice(notice(i, ente=POSTE)), n)
    bench("avviso 3 rate + Poste", lambda i: render_notice(notice(i, 3, POSTE)), n)
    bench("avviso 12 rate", lambda i: render_notice(notice(i, 12)), n)
    bench("avviso 12 rate + Poste", lambda i: render_notice(notice(i, 12, POSTE)), n)
    bench("quietanza", lambda i: render_receipt(receipt(i)), n)


if __name__ == "__main__":
    main()
