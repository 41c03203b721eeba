"""Load the demo Ente "Comune di Test" with services, debtors, positions and logins.

Idempotent: every object has a natural key (fiscal code, service code, external
reference, email), so running it again changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import FiscalCodeVerification, User
from accounts.verification import record
from appio.models import IoConfig
from catalog.models import Service, ServiceField
from organizations.models import Organization, StaffMembership, StaffRole
from positions.editing import DebtorSpec, create_staff_position
from positions.models import Debtor, PaymentPosition
from positions.services import OptionSpec, create_position
from sandbox.models import IoProfile, IoService

DEMO_PASSWORD = "Sportello-demo-2026"  # noqa: S105 - published demo credential
TARI_REFERENCE = "TARI-2026-0001"
LOGO = Path(__file__).resolve().parents[2] / "comune-di-test.png"
STAFF = [("operatore@comune-di-test.example", "Olga", "Operatrice", StaffRole.OPERATOR),
         ("responsabile@comune-di-test.example", "Rita", "Responsabile", StaffRole.MANAGER)]
# `make run` only (--demo-second-factor): a published second factor for the demo staff, so
# a newcomer gets past the back office's login. The TOTP key, in base32 for an
# authenticator app, is DEMO_TOTP_SECRET; the backup code works DEMO_BACKUP_USES times per
# run (django-otp consumes a static code when used; every run puts them back).
DEMO_TOTP_KEY = b"sportello-demo-totp!".hex()  # 20 bytes, as django-otp's own keys
DEMO_TOTP_SECRET = "ONYG 64TU MVWG Y3ZN MRSW 23ZN ORXX I4BB"  # noqa: S105 - published, base32
DEMO_BACKUP_CODE = "demo2026"
DEMO_BACKUP_USES = 10
# The demo Ente's App IO key, registered in the sandbox's IO (published: sandbox only).
DEMO_IO_KEY = "sportello-demo-io-key-2026"  # noqa: S105 - published demo credential
# `make run` only (--demo-api-token): a published API token of the demo Ente, so a newcomer
# can call /api/v1/ at once (README shows the curl). Refused where the demo IdP is off.
DEMO_API_TOKEN = "spt_demo2026_comune-di-test-published-demo-token"  # noqa: S105 - published

ENTE = {
    "fiscal_code": "80000120016",
    "slug": "comune-di-test",
    "name": "Comune di Test",
    "sector": "Servizi al cittadino",
    "segregation_code": "01",
    "broker_id": "80000120016",
    "station_id": "80000120016_01",
    "iban": "IT60X0542811101000000123456",
    "cbill_code": "A1B2C",
    "address": "Piazza del Municipio 1, 00100 Test (RM)",
    "email": "tributi@comune-di-test.example",
    "pec": "protocollo@pec.comune-di-test.example",
    "phone": "+39 06 1234567",
    "website": "https://www.comune-di-test.example",
}

# Taxonomy codes are plausible examples of the pagoPA format; an Ente takes its own from
# the current pagoPA taxonomy.
SERVICES = [
    ("trasporto-scolastico", "Trasporto scolastico",
     "Servizio di scuolabus per gli alunni delle scuole del Comune.", False, "9/0106104SP/"),
    ("pass-disabili", "Pagamento Pass Disabili",
     "Rilascio e rinnovo del contrassegno di parcheggio per persone con disabilità.",
     True, "9/0102106TS/"),
    ("mensa-scolastica", "Mensa scolastica",
     "Refezione scolastica per le scuole dell'infanzia e primarie.", False, "9/0106103SP/"),
    ("diritti-segreteria", "Diritti di segreteria",
     "Diritti per il rilascio di certificati, copie e atti dell'ufficio tecnico.",
     True, "9/0101005TS/"),
    ("tari", "TARI - Tassa sui rifiuti",
     "Tassa sui rifiuti dell'anno in corso: in unica soluzione o in tre rate.",
     False, "9/0101101IM/"),
]

# The budget chapter (capitolo) and accounting assessment (accertamento) of each service:
# plausible examples, shown by the service editor and exported with the receipts.
ACCOUNTING = {
    "trasporto-scolastico": ("3050", "2026/101"),
    "pass-disabili": ("3010", "2026/102"),
    "mensa-scolastica": ("3060", "2026/103"),
    "diritti-segreteria": ("3005", "2026/104"),
    "tari": ("1010", "2026/105"),
}

# How the spontaneous services are paid: amount rule, fields, causale and instructions.
SPONTANEOUS = {
    "diritti-segreteria": {
        "rule": {"amount_rule": Service.AmountRule.UNIT_PRICE, "unit_price_cents": 250,
                 "amount_field": "numero_copie",
                 "causale_template": "Diritti di segreteria: {numero_copie} copie di {atto}",
                 "instructions": "<p>Il pagamento copre i <strong>diritti di segreteria</strong> "
                                 "di 2,50 € per copia.</p><ul><li>Indica l'atto richiesto "
                                 "come compare nella domanda.</li><li>Ritira le copie "
                                 "all'Ufficio tecnico con la ricevuta di pagamento.</li></ul>"},
        "fields": [
            {"name": "atto", "label": "Atto richiesto", "kind": ServiceField.Kind.TEXT,
             "help_text": "Ad esempio: pratica edilizia 42/2026.", "max_length": 60},
            {"name": "numero_copie", "label": "Numero di copie",
             "kind": ServiceField.Kind.NUMBER, "help_text": "Da 1 a 50 copie.",
             "min_value": 1, "max_value": 50},
        ],
    },
    "pass-disabili": {
        "rule": {"amount_rule": Service.AmountRule.FIXED, "fixed_amount_cents": 100,
                 "causale_template": "Pagamento pass {numero_pass} del {data}",
                 "instructions": "<p>Indica il numero del contrassegno e la data di rilascio "
                                 "riportati sul pass.</p>"},
        "fields": [
            {"name": "numero_pass", "label": "Numero del pass", "kind": ServiceField.Kind.TEXT,
             "help_text": "Le 5 cifre stampate sul contrassegno.", "pattern": "^[0-9]{5}$",
             "pattern_message": "Il numero del pass ha 5 cifre."},
            {"name": "data", "label": "Data di rilascio", "kind": ServiceField.Kind.DATE},
        ],
    },
}

DEBTORS = [
    # codice fiscale computed from: Rossi Mario, M, 12/05/1980, Roma
    {"fiscal_code": "RSSMRA80E12H501I", "full_name": "Mario Rossi",
     "address": "Via Roma 10", "city": "Roma", "province": "RM", "postal_code": "00184",
     "email": "mario.rossi@example.it"},
    # Bianchi Giulia, F, 03/11/1992, Milano
    {"fiscal_code": "BNCGLI92S43F205B", "full_name": "Giulia Bianchi",
     "address": "Corso Buenos Aires 5", "city": "Milano", "province": "MI",
     "postal_code": "20124", "email": "giulia.bianchi@example.it"},
    # a legal person: partita IVA with a valid check digit
    {"fiscal_code": "01234560017", "full_name": "Alfa Servizi S.r.l.",
     "address": "Via dell'Industria 3", "city": "Torino", "province": "TO",
     "postal_code": "10121", "email": "amministrazione@alfa-servizi.example"},
]


class Command(BaseCommand):
    help = "Load the demo Ente, services, debtors, positions and logins (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-second-factor", action="store_true",
            help="Give the demo staff a published second factor (make run only; refused "
                 "where the demo identity provider is off, as in production).")
        parser.add_argument(
            "--demo-api-token", action="store_true",
            help="Give the demo Ente a published API token (make run only; refused where "
                 "the demo identity provider is off, as in production).")

    @transaction.atomic
    def handle(self, *args, **options):
        second_factor = options.get("demo_second_factor", False)
        if second_factor and not settings.DEMO_IDP_ENABLED:
            raise CommandError("--demo-second-factor publishes a second factor: development "
                               "only (DEMO_IDP_ENABLED is off here).")
        api_token = options.get("demo_api_token", False)
        if api_token and not settings.DEMO_IDP_ENABLED:
            raise CommandError("--demo-api-token publishes an API token: development only "
                               "(DEMO_IDP_ENABLED is off here).")
        org = self._organization()
        services = self._services(org)
        debtors = self._debtors(org)
        created = self._positions(org, services, debtors)
        created += self._tari(org, services)
        self._app_io(org)
        self._users(org)
        self._staff(org, second_factor)
        if api_token:
            self._api_token(org)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {org.name} at /{org.slug}/ ({created} new positions)."))
        self.stdout.write("Demo logins (password " + DEMO_PASSWORD + "):")
        self.stdout.write("  superuser (admin at /admin/): admin@comune-di-test.example")
        self.stdout.write(f"  back office at /{org.slug}/backoffice/: "
                          + ", ".join(email for email, *_ in STAFF))
        if second_factor:
            self.stdout.write(f"    second factor: backup code {DEMO_BACKUP_CODE} (up to "
                              f"{DEMO_BACKUP_USES} logins per run), or the code of an "
                              f"authenticator app with the key {DEMO_TOTP_SECRET}")
        self.stdout.write("  payer: mario.rossi@example.it (codice fiscale RSSMRA80E12H501I)")
        self.stdout.write("Try Ricerca pratica with RSSMRA80E12H501I and reference TS-2026-09.")
        if api_token:
            self.stdout.write(f"REST API at /api/v1/ (docs at /api/v1/docs): demo token "
                              f"{DEMO_API_TOKEN}")

    @staticmethod
    def _app_io(org) -> None:
        """App IO through the sandbox's IO: the Ente's key, known to the sandbox, and
        Mario Rossi on IO. Set after the demo positions, so only new ones send."""
        config = IoConfig.objects.filter(organization=org).first()
        if config is None:
            config = IoConfig(organization=org, enabled=True)
            config.set_api_key(DEMO_IO_KEY)
            config.save()
        IoService.objects.update_or_create(
            key=DEMO_IO_KEY, defaults={"name": org.name,
                                       "organization_fiscal_code": org.fiscal_code})
        IoProfile.objects.get_or_create(fiscal_code="RSSMRA80E12H501I",
                                        defaults={"full_name": "Mario Rossi"})

    def _organization(self) -> Organization:
        org, _ = Organization.objects.update_or_create(
            fiscal_code=ENTE["fiscal_code"], defaults=ENTE)
        if not org.logo:
            org.logo.save("comune-di-test.png", ContentFile(LOGO.read_bytes()), save=True)
        return org

    def _services(self, org) -> dict[str, Service]:
        result = {}
        for code, name, description, spontaneous, taxonomy in SERVICES:
            result[code], _ = Service.objects.update_or_create(
                organization=org, code=code,
                defaults={"name": name, "description": description,
                          "spontaneous_allowed": spontaneous, "taxonomy_code": taxonomy,
                          "accounting_chapter": ACCOUNTING[code][0],
                          "accounting_assessment": ACCOUNTING[code][1],
                          **SPONTANEOUS.get(code, {}).get("rule", {})})
            for position, field in enumerate(SPONTANEOUS.get(code, {}).get("fields", [])):
                ServiceField.objects.update_or_create(
                    service=result[code], name=field["name"],
                    defaults={**field, "position": position})
        return result

    def _debtors(self, org) -> dict[str, Debtor]:
        result = {}
        for data in DEBTORS:
            debtor, _ = Debtor.ente_records.update_or_create(
                organization=org, fiscal_code=data["fiscal_code"], defaults=data)
            result[data["fiscal_code"]] = debtor
        return result

    def _positions(self, org, services, debtors) -> int:
        today = timezone.localdate()
        mario, giulia, alfa = (debtors[d["fiscal_code"]] for d in DEBTORS)
        plans = [
            # (reference, debtor, service, causale, options, final state)
            ("TS-2026-09", mario, "trasporto-scolastico",
             "Trasporto scolastico mese di Settembre",
             [OptionSpec(2200, today + timedelta(days=30))], None),
            ("PASS-12345", mario, "pass-disabili", "Pagamento pass 12345 del 01/01/2017",
             [OptionSpec(100, date(2017, 1, 31))], "paid"),
            ("MS-2026-RATE", mario, "mensa-scolastica", "Mensa scolastica anno 2026/2027",
             [OptionSpec(4500, today - timedelta(days=10), installment_number=1),
              OptionSpec(4500, today + timedelta(days=50), installment_number=2),
              OptionSpec(4500, today + timedelta(days=110), installment_number=3)],
             "first_paid"),
            ("TS-2026-08", giulia, "trasporto-scolastico",
             "Trasporto scolastico mese di Agosto",
             [OptionSpec(2200, today - timedelta(days=20))], None),
            ("MS-2025-ANN", giulia, "mensa-scolastica", "Mensa scolastica - quota annullata",
             [OptionSpec(3000, today + timedelta(days=15))], "cancelled"),
            ("TS-2025-06", giulia, "trasporto-scolastico",
             "Trasporto scolastico mese di Giugno 2025",
             [OptionSpec(2200, date(2025, 6, 30))], "expired"),
            ("DS-2026-0042", alfa, "diritti-segreteria",
             "Diritti di segreteria pratica edilizia 42/2026",
             [OptionSpec(10250, today + timedelta(days=60))], None),
        ]
        created = 0
        for reference, debtor, service_code, causale, options, final in plans:
            if PaymentPosition.objects.filter(organization=org,
                                              external_reference=reference).exists():
                continue
            position = create_position(
                organization=org, debtor=debtor, service=services[service_code],
                causale=causale, options=options, external_reference=reference,
                switch_to_expired=final == "expired")
            self._apply(position, final)
            created += 1
        return created

    @staticmethod
    def _tari(org, services) -> int:
        """A TARI-like tax the Ente issued: 120 € at once or three installments of 40 €,
        alternatives (SANP), unpaid; made by the back office's own service."""
        if PaymentPosition.objects.filter(organization=org,
                                          external_reference=TARI_REFERENCE).exists():
            return 0
        today = timezone.localdate()
        due = today + timedelta(days=45)
        create_staff_position(
            organization=org, service=services["tari"], external_reference=TARI_REFERENCE,
            debtor=DebtorSpec(**DEBTORS[0]),
            causale=f"TARI {today.year} - utenza domestica Via Roma 10",
            options=[OptionSpec(12000, due),
                     *(OptionSpec(4000, due + timedelta(days=60 * n), installment_number=n + 1)
                       for n in range(3))])
        return 1

    @staticmethod
    def _apply(position, final: str | None) -> None:
        """Bring a demo position to its state the way production does: a paid option is
        paid by a pagoPA receipt (so it has a quietanza), the others through the state
        machine."""
        options = list(position.options.all())
        if final == "paid":
            pay_with_receipt(options[0], timezone.make_aware(timezone.datetime(2017, 1, 15, 10)))
        elif final == "first_paid":
            pay_with_receipt(options[0], timezone.now())
        elif final == "cancelled":
            for option in options:
                option.cancel()
        elif final == "expired":
            for option in options:
                option.expire()

    def _users(self, org) -> None:
        admin = User.objects.filter(email="admin@comune-di-test.example").first()
        if admin is None:
            admin = User.objects.create_superuser(
                "admin@comune-di-test.example", DEMO_PASSWORD,
                first_name="Amministratore", last_name="Demo")
        mario = User.objects.filter(email="mario.rossi@example.it").first()
        if mario is None:
            mario = User.objects.create_user("mario.rossi@example.it", DEMO_PASSWORD,
                                             first_name="Mario", last_name="Rossi",
                                             fiscal_code="RSSMRA80E12H501I")
        # The demo payer with a password was verified by the Ente's staff (as if he had
        # shown his card at the counter), so his positions are listed at once; SPID/CIE
        # through the demo identity provider certify the same code.
        record(mario, FiscalCodeVerification.Method.STAFF, organization=org,
               evidence="seed_demo", verified_by=admin)

    def _staff(self, org, second_factor: bool) -> None:
        """The *operatore* and the *responsabile* of the demo Ente. Without
        ``second_factor`` they enrol their own authenticator app at the first login."""
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for email, first_name, last_name, role in STAFF:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first_name,
                                                last_name=last_name)
            StaffMembership.objects.update_or_create(organization=org, user=user,
                                                     defaults={"role": role})
            if not second_factor:
                continue
            TOTPDevice.objects.update_or_create(
                user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True})
            backup, _ = StaticDevice.objects.get_or_create(user=user, name="demo-backup",
                                                           defaults={"confirmed": True})
            missing = DEMO_BACKUP_USES - backup.token_set.count()
            StaticToken.objects.bulk_create(
                [StaticToken(device=backup, token=DEMO_BACKUP_CODE) for _ in range(missing)])

    def _api_token(self, org) -> None:
        """The published demo token, active again if someone revoked it meanwhile."""
        from api.models import ApiToken
        from api.tokens import hash_secret, issue_token

        existing = ApiToken.objects.filter(secret_hash=hash_secret(DEMO_API_TOKEN)).first()
        if existing is None:
            issue_token(org, "Demo (make run)", raw=DEMO_API_TOKEN)
        elif existing.revoked_at is not None:
            ApiToken.objects.filter(pk=existing.pk).update(revoked_at=None, revoked_by=None)


def pay_with_receipt(option, paid_at) -> None:
    """Pay ``option`` with a plausible receipt from the sandbox's PSP, stored and applied
    by the same code that handles the Node's paSendRTV2."""
    from pagopa.messages import DebtorInfo, ReceiptInfo, RequestHeader, SendRTRequest, TransferInfo
    from pagopa.soap import build_send_rt_request
    from payments.receipts import receive

    organization, position = option.organization, option.position
    debtor = position.debtor
    info = ReceiptInfo(
        receipt_id=f"DEMO{option.iuv}", notice_number=option.notice_number,
        fiscal_code=organization.fiscal_code, outcome="OK",
        creditor_reference_id=option.iuv, amount_cents=option.amount_cents,
        description=position.causale, company_name=organization.name,
        debtor=DebtorInfo(id_type=debtor.entity_type, id_value=debtor.fiscal_code,
                          full_name=debtor.full_name),
        transfers=tuple(
            TransferInfo(id_transfer=t.index, amount_cents=t.amount_cents,
                         fiscal_code_pa=t.beneficiary_fiscal_code,
                         remittance_information=t.remittance_information,
                         transfer_category=t.taxonomy_code, iban=t.iban)
            for t in option.transfers.all()),
        id_psp="SNDBXIT1", psp_company_name="Banca Sandbox", id_channel="SNDBXIT1_01",
        channel_description="app", payment_method="creditCard", fee_cents=100,
        payment_date_time=paid_at,
    )
    header = RequestHeader(organization.fiscal_code, organization.broker_id,
                           organization.station_id)
    raw = build_send_rt_request(SendRTRequest(header, info)).decode()
    receive(organization, info, raw, version=2)
