"""Creating and changing a service with its form fields: the one writer of the catalog.

The responsabile's editor (back office) sends plain values; this module applies the
model's validation (``Service.clean``, ``ServiceField.clean``, the field validators), the
checks that span the service and its fields (the causale and the amount rule name fields
that exist, with the right kind; names unique), saves everything in one transaction and
records it in the audit trail with what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.log import log_action
from catalog.models import Service, ServiceField
from organizations.models import Organization

SERVICE_FIELDS = (
    "code", "name", "description", "taxonomy_code", "accounting_chapter",
    "accounting_assessment", "active", "active_from", "active_to", "spontaneous_allowed",
    "amount_rule", "fixed_amount_cents", "min_amount_cents", "max_amount_cents",
    "unit_price_cents", "amount_field", "late_rule", "late_penalty_cents",
    "causale_template", "instructions",
)
ROW_FIELDS = (
    "position", "name", "label", "kind", "required", "help_text", "min_length", "max_length",
    "pattern", "pattern_message", "min_value", "max_value", "choices",
)


@dataclass
class ServiceRefused(Exception):
    """What is wrong, in Italian: per service field, per row (index → field → messages),
    and what spans both."""

    service_errors: dict[str, list[str]] = field(default_factory=dict)
    row_errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.service_errors or self.row_errors or self.general)


def definition_problems(service: Service, rows: list[ServiceField]) -> list[str]:
    """The checks spanning the service and its fields, as Italian sentences."""
    problems: list[str] = []
    kinds: dict[str, str] = {}
    for row in rows:
        if row.name in kinds:
            problems.append(_("Due campi hanno lo stesso nome «%(name)s».") % {"name": row.name})
        kinds[row.name] = row.kind
    unknown = [name for name in service.placeholders() if name not in kinds]
    if unknown:
        problems.append(_("Il modello della causale usa campi che non esistono: %(names)s.")
                        % {"names": ", ".join(unknown)})
    rule = Service.AmountRule
    wanted = {rule.UNIT_PRICE: ServiceField.Kind.NUMBER,
              rule.CHOICE_PRICE: ServiceField.Kind.CHOICE}.get(service.amount_rule)
    if wanted and service.amount_field and kinds.get(service.amount_field) != wanted:
        problems.append(_("Il campo che determina l'importo («%(name)s») deve essere un campo "
                          "di tipo «%(kind)s» del servizio.")
                        % {"name": service.amount_field, "kind": wanted.label})
    if service.amount_rule == rule.CHOICE_PRICE:
        amount_row = next((r for r in rows if r.name == service.amount_field), None)
        if amount_row is not None and amount_row.kind == ServiceField.Kind.CHOICE:
            try:
                priced = all(price is not None for _label, price in amount_row.choice_list())
            except ValueError:
                priced = True  # the row's own error says it
            if not priced:
                problems.append(_("Indica un prezzo per ogni scelta, es. «Etichetta | 12,50»."))
    return problems


def _snapshot(service: Service, rows) -> dict:
    """The definition as the audit trail keeps it (plain JSON values)."""
    def plain(value):
        return str(value) if isinstance(value, Decimal) else value

    data = {name: plain(getattr(service, name)) for name in SERVICE_FIELDS}
    data["fields"] = [{name: plain(getattr(row, name)) for name in ROW_FIELDS} for row in rows]
    return data


def save_service(organization: Organization, values: dict, rows: list[dict], *,
                 service: Service | None = None, request=None, actor=None) -> Service:
    """Create (``service`` None) or change a service of ``organization`` and its fields.

    ``values``: service field → value. ``rows``: the fields of the payer's form, in order,
    each a dict of ``ROW_FIELDS`` plus ``id`` (an existing field of this service, or None);
    existing fields missing from ``rows`` are deleted. Raises :class:`ServiceRefused`.
    """
    unknown = set(values) - set(SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        if service is None:
            target, before = Service(organization=organization), None
            existing: dict[int, ServiceField] = {}
        else:
            target = Service.objects.select_for_update().get(pk=service.pk,
                                                            organization=organization)
            existing = {row.pk: row for row in target.form_fields.all()}
            before = _snapshot(target, existing.values())
        for name, value in values.items():
            setattr(target, name, value)
        refused = ServiceRefused()
        try:
            target.full_clean()
        except ValidationError as error:
            refused.service_errors = error.message_dict
        new_rows: list[ServiceField] = []
        for index, data in enumerate(rows):
            row_id = data.get("id")
            if row_id is not None and row_id not in existing:  # not from our form
                raise ServiceRefused(general=[_("Un campo del modulo non appartiene a questo "
                                                "servizio: ricarica la pagina e riprova.")])
            row = existing.get(row_id) or ServiceField(service=target)
            for name in ROW_FIELDS:
                if name in data:
                    setattr(row, name, data[name])
            try:
                row.full_clean(exclude=["service"], validate_unique=False)
            except ValidationError as error:
                refused.row_errors[index] = error.message_dict
            new_rows.append(row)
        if not refused.service_errors and not refused.row_errors:
            refused.general = definition_problems(target, new_rows)
        if refused:
            raise refused
        target.save()
        kept = {row.pk for row in new_rows if row.pk}
        ServiceField.objects.filter(service=target).exclude(pk__in=kept).delete()
        for row in new_rows:
            row.service = target
            row.save()
        after = _snapshot(target, new_rows)
        if before is None:
            log_action("service.created", obj=target, request=request, actor=actor,
                       organization=organization, data={"after": after})
        elif before != after:
            changed = [key for key in after if after[key] != before.get(key)]
            log_action("service.updated", obj=target, request=request, actor=actor,
                       organization=organization,
                       data={"before": {key: before.get(key) for key in changed},
                             "after": {key: after[key] for key in changed}})
    return target
