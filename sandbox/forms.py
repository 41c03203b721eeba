from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sandbox.catalog import METHODS, SCENARIOS, psps_for
from sandbox.fdr_publish import FAULTS
from sandbox.models import Station
from sandbox.templatetags.sandbox_tags import euro


class MethodForm(forms.Form):
    method = forms.ChoiceField(label=_("Come vuoi pagare?"), choices=list(METHODS.items()),
                               widget=forms.RadioSelect)


class PayForm(forms.Form):
    psp = forms.ChoiceField(label=_("Scegli il gestore (PSP)"), widget=forms.RadioSelect)
    scenario = forms.ChoiceField(label=_("Simulazione"), choices=list(SCENARIOS.items()),
                                 initial="ok")
    delay_seconds = forms.IntegerField(label=_("Ritardo della ricevuta (secondi)"),
                                       min_value=0, max_value=3600, initial=30, required=False)
    poste = forms.BooleanField(
        label=_("All'ufficio postale (Bollettino Postale PA)"), required=False,
        help_text=_("Paga Poste, e il Nodo chiede all'Ente i conti postali (transferType "
                    "POSTAL)."))

    def __init__(self, method: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if method != "CASH":
            del self.fields["poste"]
        self.fields["psp"].choices = [
            (p.id, gettext("%(psp)s — commissione %(fee)s")
             % {"psp": p.name, "fee": euro(p.fee_cents)})
            for p in psps_for(method)]


class NoticeForm(forms.Form):
    notice_number = forms.CharField(label=_("Codice avviso"), max_length=30, required=False,
                                    help_text=_("18 cifre, anche con spazi"))
    fiscal_code = forms.CharField(label=_("Codice fiscale dell'Ente"), max_length=11,
                                  required=False)
    qr = forms.ImageField(label=_("Oppure carica la foto del codice QR dell'avviso"),
                          required=False)

    def clean(self):
        data = super().clean()
        if data.get("qr"):
            return data
        notice = "".join((data.get("notice_number") or "").split())
        if not notice.isdigit() or len(notice) != 18:
            self.add_error("notice_number", _("Il codice avviso ha 18 cifre."))
        fiscal_code = (data.get("fiscal_code") or "").strip()
        if not fiscal_code.isdigit() or len(fiscal_code) != 11:
            self.add_error("fiscal_code", _("Il codice fiscale dell'Ente ha 11 cifre."))
        data["notice_number"], data["fiscal_code"] = notice, fiscal_code
        return data


class FdrPublishForm(forms.Form):
    """The day a sandbox PSP reports, for which Ente, with which mishaps."""

    day = forms.DateField(label=_("Giorno dei pagamenti"),
                          widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    organization = forms.RegexField(
        label=_("Codice fiscale dell'Ente (vuoto: tutti)"), regex=r"^[0-9]{11}$",
        required=False, error_messages={"invalid": _("Il codice fiscale di un Ente ha 11 "
                                                     "cifre.")})
    faults = forms.MultipleChoiceField(label=_("Anomalie da simulare"), required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["faults"].choices = list(FAULTS.items())


class StatementForm(forms.Form):
    """The treasurer's statement of a day for one Ente."""

    day = forms.DateField(label=_("Giorno contabile"),
                          widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    organization = forms.RegexField(
        label=_("Codice fiscale dell'Ente"), regex=r"^[0-9]{11}$",
        error_messages={"invalid": _("Il codice fiscale di un Ente ha 11 cifre.")})


class FdrFailureForm(forms.Form):
    """A failure mode of the organisations' FdR API for one Ente."""

    organization = forms.RegexField(
        label=_("Codice fiscale dell'Ente"), regex=r"^[0-9]{11}$",
        error_messages={"invalid": _("Il codice fiscale di un Ente ha 11 cifre.")})
    failure = forms.ChoiceField(label=_("Risposta dell'API dei flussi"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["failure"].choices = Station._meta.get_field("fdr_failure").choices
