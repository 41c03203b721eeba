"""Creating up to 1,000 positions in one call, through the domain's bulk writer.

All or nothing by default: one invalid item and nothing is written (422 with every
item's errors). With ``all_or_nothing=false`` the valid items are written and each item
gets its own outcome. Either way idempotent by reference: a repeated item is
``unchanged``, not created twice."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from api import operations
from api.models import ApiToken
from api.problems import ApiProblem
from api.schemas import PositionIn
from catalog.models import Service


@dataclass
class Outcome:
    index: int
    reference: str
    outcome: str
    position_id: int | None = None
    errors: list[str] = field(default_factory=list)


class _Rollback(Exception):
    def __init__(self, results: list[Outcome]):
        self.results = results


def _precheck(token: ApiToken, items: list[PositionIn]) -> tuple[list[Outcome], dict]:
    """What can be told before the domain: a reference is required (it makes a retry
    safe) and unique in the call; the service must be the Ente's."""
    services = {s.code: s for s in Service.objects.filter(
        organization=token.organization, code__in={i.service for i in items})}
    seen: dict[str, int] = {}
    refused = []
    for index, item in enumerate(items):
        errors = []
        if not item.reference:
            errors.append(_("Indica il riferimento (reference): rende sicura la ripetizione "
                            "della chiamata."))
        elif item.reference in seen:
            errors.append(_("Riferimento ripetuto: è già all'elemento %(n)s.")
                          % {"n": seen[item.reference]})
        else:
            seen[item.reference] = index
        if item.switch_to_expired:
            errors.append(_("switch_to_expired non è disponibile nella creazione multipla: "
                            "crea la posizione da sola o modificala dopo."))
        if item.service not in services:
            errors.append(_("Servizio sconosciuto per questo Ente: %(code)s.")
                          % {"code": item.service})
        if errors:
            refused.append(Outcome(index, item.reference, "invalid", errors=errors))
    return refused, services


def create_many(token: ApiToken, items: list[PositionIn], *, all_or_nothing: bool = True,
                request=None) -> list[Outcome]:
    refused, services = _precheck(token, items)
    if refused and all_or_nothing:
        raise _problem(refused)
    bad = {o.index for o in refused}
    todo = [(index, item) for index, item in enumerate(items) if index not in bad]
    try:
        with transaction.atomic():
            results = _write(token, todo, services, all_or_nothing, request)
            if all_or_nothing and any(r.outcome in ("invalid", "conflict") for r in results):
                raise _Rollback(results)
    except _Rollback as rollback:
        raise _problem([r for r in rollback.results
                        if r.outcome in ("invalid", "conflict")]) from None
    return sorted(refused + results, key=lambda r: r.index)


def _write(token, todo, services, all_or_nothing, request) -> list[Outcome]:
    from positions.bulk import PositionSpec, upsert_positions

    specs = [PositionSpec(reference=item.reference,
                          debtor=operations.debtor_spec(item.debtor),
                          service=services[item.service], causale=item.causale,
                          options=operations.option_specs(item.options))
             for _index, item in todo]
    results = upsert_positions(token.organization, specs, actor=token, request=request,
                               source="api", all_or_nothing=all_or_nothing)
    return [Outcome(todo[r.index][0], r.reference, r.outcome, r.position_id, list(r.errors))
            for r in results]


def _problem(bad: list[Outcome]) -> ApiProblem:
    errors = [{"field": f"body.positions.{o.index}", "message": message, "type": o.outcome}
              for o in bad for message in (o.errors or [o.outcome])]
    return ApiProblem(422, "batch_rejected",
                      _("Nessuna posizione è stata scritta: %(n)s elementi non sono validi "
                        "(vedi errors). Correggili e ripeti, oppure usa "
                        "all_or_nothing=false per scrivere i validi.") % {"n": len(bad)},
                      errors)
