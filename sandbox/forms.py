from django import forms

from sandbox.catalog import METHODS, SCENARIOS, psps_for
from sandbox.templatetags.sandbox_tags import euro


class MethodForm(forms.Form):
    method = forms.ChoiceField(label="Come vuoi pagare?", choices=list(METHODS.items()),
                               widget=forms.RadioSelect)


class PayForm(forms.Form):
    psp = forms.ChoiceField(label="Scegli il gestore (PSP)", widget=forms.RadioSelect)
    scenario = forms.ChoiceField(label="Simulazione", choices=list(SCENARIOS.items()),
                                 initial="ok")
    delay_seconds = forms.IntegerField(label="Ritardo della ricevuta (secondi)", min_value=0,
                                       max_value=3600, initial=30, required=False)

    def __init__(self, method: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["psp"].choices = [
            (p.id, f"{p.name} — commissione {euro(p.fee_cents)}") for p in psps_for(method)]


class NoticeForm(forms.Form):
    notice_number = forms.CharField(label="Codice avviso", max_length=30, required=False,
                                    help_text="18 cifre, anche con spazi")
    fiscal_code = forms.CharField(label="Codice fiscale dell'Ente", max_length=11,
                                  required=False)
    qr = forms.ImageField(label="Oppure carica la foto del codice QR dell'avviso",
                          required=False)

    def clean(self):
        data = super().clean()
        if data.get("qr"):
            return data
        notice = "".join((data.get("notice_number") or "").split())
        if not notice.isdigit() or len(notice) != 18:
            self.add_error("notice_number", "Il codice avviso ha 18 cifre.")
        fiscal_code = (data.get("fiscal_code") or "").strip()
        if not fiscal_code.isdigit() or len(fiscal_code) != 11:
            self.add_error("fiscal_code", "Il codice fiscale dell'Ente ha 11 cifre.")
        data["notice_number"], data["fiscal_code"] = notice, fiscal_code
        return data
