"""The services an Ente offers (pagoPA's *tipologie di pendenza*): who may pay them
spontaneously, how the amount is found, which fields the payer fills in and how the
causale is written from them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import nh3
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import linebreaks
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from sportello.validators import validate_taxonomy_code, validate_xml_text

field_name_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    _("Solo lettere minuscole, cifre e trattino basso, iniziando con una lettera "
      "(es. numero_pass)."),
)
# Names the spontaneous form uses for itself: a service field may not take them.
RESERVED_FIELD_NAMES = frozenset({"importo", "token", "csrfmiddlewaretoken", "next"})
MAX_AMOUNT_CENTS = 99_999_999_999  # pagoPA stAmount maximum
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
# What the Ente's staff may use in the instructions (everything else is dropped by nh3).
INSTRUCTION_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a",
                    "h3", "h4", "blockquote"}
INSTRUCTION_ATTRIBUTES = {"a": {"href", "title"}}
BLOCK_TAG = re.compile(r"<(p|ul|ol|h3|h4|blockquote)\b")


def sanitize_instructions(text: str) -> str:
    """Formatted text from staff, reduced to harmless tags (no script, style, events)."""
    return nh3.clean(text, tags=INSTRUCTION_TAGS, attributes=INSTRUCTION_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto", "tel"}, link_rel="noopener")


class ServiceQuerySet(models.QuerySet):
    def active(self, today: date | None = None):
        """Switched on, and today inside its active from/to dates (when set)."""
        today = today or timezone.localdate()
        return self.filter(active=True).filter(
            Q(active_from__isnull=True) | Q(active_from__lte=today),
            Q(active_to__isnull=True) | Q(active_to__gte=today),
        )

    def spontaneous(self, today: date | None = None):
        return self.active(today).filter(spontaneous_allowed=True)


class LateRule(models.TextChoices):
    """What a service adds to an overdue amount."""

    NONE = "none", _("Nessuna variazione")
    PENALTY = "penalty", _("Sanzione fissa")
    LEGAL_INTEREST = "interest", _("Interessi legali giornalieri")


class LegalInterestRate(models.Model):
    """The Italian legal interest rate (*saggio degli interessi legali*, art. 1284 c.c.),
    set each year by decree of the Ministry of Economy: the rate in force from
    ``valid_from`` until the next row. One table for the installation, edited by staff."""

    valid_from = models.DateField(_("in vigore dal"), unique=True)
    rate_percent = models.DecimalField(
        _("tasso annuo (%)"), max_digits=5, decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))])
    source = models.CharField(_("fonte"), max_length=140, blank=True,
                              validators=[validate_xml_text])

    class Meta:
        verbose_name = _("tasso di interesse legale")
        verbose_name_plural = _("tassi di interesse legale")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.rate_percent}% dal {self.valid_from:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(RATES_CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(RATES_CACHE_KEY)
        return result


RATES_CACHE_KEY = "catalog:legal-interest-rates"


def legal_interest_rates() -> list[tuple[date, Decimal]]:
    """Every (valid_from, rate) oldest first; cached, since the table changes once a year
    and pages compute the interest of many rows."""
    return cache.get_or_set(RATES_CACHE_KEY, lambda: list(
        LegalInterestRate.objects.order_by("valid_from")
        .values_list("valid_from", "rate_percent")), 3600)


def legal_interest_cents(principal_cents: int, due_date: date, today: date) -> int:
    """Simple interest on ``principal_cents`` for each day after ``due_date`` up to
    ``today``, each day at the rate in force that day (actual/365), rounded half up to
    the cent once at the end. No rate known for a day: no interest for it."""
    if today <= due_date or principal_cents <= 0:
        return 0
    rates = [(day, rate) for day, rate in legal_interest_rates() if day <= today]
    total = Decimal(0)
    start = due_date + timedelta(days=1)
    for index, (valid_from, rate) in enumerate(rates):
        until = rates[index + 1][0] if index + 1 < len(rates) else today + timedelta(days=1)
        first, last = max(start, valid_from), min(until, today + timedelta(days=1))
        days = (last - first).days
        if days > 0:
            total += Decimal(principal_cents) * rate / Decimal(100) * days / Decimal(365)
    return int(total.quantize(Decimal(1), ROUND_HALF_UP))


class Service(models.Model):
    class AmountRule(models.TextChoices):
        FIXED = "fixed", _("Importo fisso")
        RANGE = "range", _("Importo libero tra un minimo e un massimo")
        UNIT_PRICE = "unit_price", _("Prezzo unitario × quantità (campo numerico)")
        CHOICE_PRICE = "choice_price", _("Prezzo secondo la scelta (campo a scelta)")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services",
        verbose_name=_("Ente"),
    )
    code = models.SlugField(_("codice"), max_length=35)
    name = models.CharField(_("nome"), max_length=100, validators=[validate_xml_text])
    description = models.TextField(_("descrizione"), blank=True)
    spontaneous_allowed = models.BooleanField(
        _("pagamento spontaneo ammesso"), default=False,
        help_text=_("Il pagatore può creare da sé una posizione per questo servizio."),
    )
    instructions = models.TextField(
        _("istruzioni"), blank=True,
        help_text=_("Indicazioni dell'Ente mostrate in fondo al modulo di pagamento. Testo "
                    "formattato: sono ammessi paragrafi, grassetto, corsivo, elenchi e link; "
                    "il resto viene rimosso al salvataggio."),
    )
    taxonomy_code = models.CharField(
        _("codice tassonomia"), max_length=16, validators=[validate_taxonomy_code],
        help_text=_("Tassonomia dei servizi di incasso pagoPA (transferCategory)."),
    )
    active = models.BooleanField(_("attivo"), default=True)
    active_from = models.DateField(_("attivo dal"), null=True, blank=True)
    active_to = models.DateField(_("attivo fino al"), null=True, blank=True)
    amount_rule = models.CharField(
        _("regola dell'importo"), max_length=20, choices=AmountRule.choices,
        default=AmountRule.FIXED,
    )
    fixed_amount_cents = models.PositiveBigIntegerField(
        _("importo fisso"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_AMOUNT_CENTS)],
    )
    min_amount_cents = models.PositiveBigIntegerField(
        _("importo minimo"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_AMOUNT_CENTS)],
    )
    max_amount_cents = models.PositiveBigIntegerField(
        _("importo massimo"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_AMOUNT_CENTS)],
    )
    unit_price_cents = models.PositiveBigIntegerField(
        _("prezzo unitario"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_AMOUNT_CENTS)],
    )
    amount_field = models.CharField(
        _("campo che determina l'importo"), max_length=40, blank=True,
        help_text=_("Nome del campo: numerico per prezzo × quantità, a scelta per il "
                    "prezzo secondo la scelta."),
    )
    # Accounting codes of the Ente's budget, for the exports of what was collected.
    accounting_chapter = models.CharField(
        _("capitolo di bilancio"), max_length=35, blank=True, validators=[validate_xml_text],
        help_text=_("Il capitolo di entrata su cui si imputano gli incassi del servizio."))
    accounting_assessment = models.CharField(
        _("accertamento"), max_length=35, blank=True, validators=[validate_xml_text],
        help_text=_("Numero dell'accertamento contabile, es. 2026/123."))
    causale_template = models.CharField(
        _("modello della causale"), max_length=140, blank=True, validators=[validate_xml_text],
        help_text=_("Testo con i nomi dei campi tra graffe, es. "
                    "«Pagamento pass {numero_pass} del {data}». Vuoto: il nome del servizio."),
    )

    # What happens after the due date (SANP best practice: the Ente "attualizza" the amount
    # at verify and activation). Computed by ``late_charge_cents``, added to the Ente's
    # first transfer of the option.
    late_rule = models.CharField(
        _("dopo la scadenza"), max_length=12, choices=LateRule.choices, default=LateRule.NONE,
        help_text=_("Come cambia l'importo da pagare dopo la data di scadenza."))
    late_penalty_cents = models.PositiveBigIntegerField(
        _("sanzione fissa"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_AMOUNT_CENTS)],
        help_text=_("Aggiunta all'importo dal giorno dopo la scadenza."))

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("servizio")
        verbose_name_plural = _("servizi")
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"],
                                    name="catalog_service_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.instructions = sanitize_instructions(self.instructions)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """The amount rule has what it needs; dates are in order."""
        errors: dict[str, str] = {}
        rule = self.AmountRule
        if self.active_from and self.active_to and self.active_from > self.active_to:
            errors["active_to"] = _("La data di fine deve seguire quella di inizio.")
        if self.amount_rule == rule.FIXED and self.spontaneous_allowed \
                and not self.fixed_amount_cents:
            errors["fixed_amount_cents"] = _("Indica l'importo fisso.")
        if self.amount_rule == rule.RANGE:
            if not self.min_amount_cents:
                errors["min_amount_cents"] = _("Indica l'importo minimo.")
            if not self.max_amount_cents:
                errors["max_amount_cents"] = _("Indica l'importo massimo.")
            elif self.min_amount_cents and self.min_amount_cents > self.max_amount_cents:
                errors["max_amount_cents"] = _("Il massimo non può essere minore del minimo.")
        if self.amount_rule == rule.UNIT_PRICE and not self.unit_price_cents:
            errors["unit_price_cents"] = _("Indica il prezzo unitario.")
        if self.late_rule == LateRule.PENALTY and not self.late_penalty_cents:
            errors["late_penalty_cents"] = _("Indica la sanzione da aggiungere dopo la "
                                             "scadenza.")
        if self.amount_rule in (rule.UNIT_PRICE, rule.CHOICE_PRICE) and not self.amount_field:
            errors["amount_field"] = _("Indica il nome del campo che determina l'importo.")
        if errors:
            raise ValidationError(errors)

    def late_charge_cents(self, principal_cents: int, due_date: date | None,
                          today: date) -> int:
        """What this service adds to ``principal_cents`` when paid on ``today``, past
        ``due_date`` (nothing before it, on it, or without a due date)."""
        if due_date is None or today <= due_date:
            return 0
        if self.late_rule == LateRule.PENALTY:
            return self.late_penalty_cents or 0
        if self.late_rule == LateRule.LEGAL_INTEREST:
            return legal_interest_cents(principal_cents, due_date, today)
        return 0

    def instructions_html(self) -> SafeString:
        """The instructions as safe HTML, sanitised again at render time (rows written
        around ``save`` are covered too); text without paragraphs gets them from its
        line breaks."""
        clean = sanitize_instructions(self.instructions.strip())
        if clean and not BLOCK_TAG.search(clean):
            clean = linebreaks(clean, autoescape=False)  # nh3 output: already escaped
        return mark_safe(clean)  # noqa: S308 - sanitised by nh3

    def placeholders(self) -> list[str]:
        return PLACEHOLDER.findall(self.causale_template)

    def render_causale(self, display_values: dict[str, str]) -> str:
        """The causale from the template, with each ``{name}`` replaced by the field's
        displayed value (no str.format: staff text can never reach Python attributes)."""
        if not self.causale_template.strip():
            return self.name[:140]
        text = PLACEHOLDER.sub(lambda m: display_values.get(m.group(1), ""),
                               self.causale_template)
        return " ".join(text.split())[:140]

    def compute_amount_cents(self, values: dict) -> int | None:
        """The amount for the cleaned field values, by the service's rule (None when the
        rule needs a value that is missing). The server always calls this: the browser's
        preview is only a preview."""
        rule = self.AmountRule
        if self.amount_rule == rule.FIXED:
            return self.fixed_amount_cents
        if self.amount_rule == rule.RANGE:
            return values.get("importo")
        value = values.get(self.amount_field)
        if value in (None, ""):
            return None
        if self.amount_rule == rule.UNIT_PRICE:
            total = (Decimal(value) * self.unit_price_cents).quantize(Decimal(1), ROUND_HALF_UP)
            return int(total)
        field = next((f for f in self.form_fields.all() if f.name == self.amount_field), None)
        return field.choice_prices().get(value) if field else None


class ServiceField(models.Model):
    """One field of a service's spontaneous form, as the Ente's staff define it."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Testo")
        NUMBER = "number", _("Numero")
        DATE = "date", _("Data")
        CHOICE = "choice", _("Scelta da elenco")
        BOOLEAN = "boolean", _("Sì / No")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="form_fields",
                                verbose_name=_("servizio"))
    name = models.CharField(
        _("nome"), max_length=40, validators=[field_name_validator],
        help_text=_("Usato nel modello della causale, es. {numero_pass}."),
    )
    label = models.CharField(_("etichetta"), max_length=100)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    help_text = models.CharField(_("testo di aiuto"), max_length=200, blank=True)
    required = models.BooleanField(_("obbligatorio"), default=True)
    min_length = models.PositiveSmallIntegerField(_("lunghezza minima"), null=True, blank=True)
    max_length = models.PositiveSmallIntegerField(
        _("lunghezza massima"), null=True, blank=True, validators=[MaxValueValidator(140)])
    pattern = models.CharField(
        _("formato (espressione regolare)"), max_length=200, blank=True,
        help_text=_("Per i testi, es. ^[0-9]{5}$ per cinque cifre."),
    )
    pattern_message = models.CharField(
        _("messaggio se il formato non è rispettato"), max_length=200, blank=True)
    min_value = models.DecimalField(_("valore minimo"), max_digits=12, decimal_places=2,
                                    null=True, blank=True)
    max_value = models.DecimalField(_("valore massimo"), max_digits=12, decimal_places=2,
                                    null=True, blank=True)
    whole_number = models.BooleanField(
        _("solo numeri interi"), default=True,
        help_text=_("Per i numeri: un conteggio (copie, pass) non ha decimali. Togli la spunta "
                    "per ammetterne due, ad esempio per i metri quadri."),
    )
    choices = models.TextField(
        _("scelte"), blank=True,
        help_text=_("Una per riga. Con il prezzo per scelta: «Etichetta | 12,50»."),
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("campo del modulo")
        verbose_name_plural = _("campi del modulo")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"],
                                    name="catalog_servicefield_name_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.name in RESERVED_FIELD_NAMES:
            errors["name"] = _("Questo nome è riservato: scegline un altro.")
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error:
                errors["pattern"] = _("Espressione regolare non valida.")
        if self.kind == self.Kind.CHOICE:
            try:
                if not self.choice_list():
                    errors["choices"] = _("Indica almeno una scelta.")
            except ValueError:
                errors["choices"] = _("Prezzo non valido: scrivi ad esempio «Etichetta | "
                                      "12,50».")
        if (self.min_length is not None and self.max_length is not None
                and self.min_length > self.max_length):
            errors["max_length"] = _("La lunghezza massima non può essere minore della minima.")
        if (self.min_value is not None and self.max_value is not None
                and self.min_value > self.max_value):
            errors["max_value"] = _("Il valore massimo non può essere minore del minimo.")
        if errors:
            raise ValidationError(errors)

    def choice_list(self) -> list[tuple[str, int | None]]:
        """``[(label, price in cents or None), ...]`` from the staff's lines."""
        result = []
        for line in self.choices.splitlines():
            label, _sep, price = line.partition("|")
            label = label.strip()
            if not label:
                continue
            result.append((label, parse_euro_cents(price) if price.strip() else None))
        return result

    def choice_prices(self) -> dict[str, int]:
        return {label: price for label, price in self.choice_list() if price is not None}


def parse_euro_cents(text: str) -> int:
    """``"12,50"`` / ``"12.50"`` / ``"1.250,00"`` → cents; ValueError otherwise."""
    text = text.strip().replace("€", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", text):
        raise ValueError(text)
    return int((Decimal(text) * 100).quantize(Decimal(1)))


class SpontaneousSubmission(models.Model):
    """One *Salva* of a spontaneous form. The form's one-time token is unique here, so a
    double click (two identical POSTs) creates one position: the second finds the first."""

    token = models.UUIDField(unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey("positions.PaymentPosition", on_delete=models.CASCADE,
                                 null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inserimento spontaneo")
        verbose_name_plural = _("inserimenti spontanei")

    def __str__(self) -> str:
        return str(self.token)
