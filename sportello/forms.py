"""How every form of the portal looks: Bootstrap Italia fields, errors next to them."""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting

from sportello.validators import validate_xml_multiline_text, validate_xml_text


class FormRenderer(TemplatesSetting):
    """Render ``{{ form }}`` and ``{{ field.as_field_group }}`` with our templates."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


def style_widget(field: forms.Field, widget: forms.Widget) -> None:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        widget.attrs.setdefault("class", "form-check-input")
    elif isinstance(widget, forms.Select):
        widget.attrs.setdefault("class", "form-select")
    else:
        widget.attrs.setdefault("class", "form-control")


def require_xml_text(field: forms.Field) -> None:
    """Text typed by a person may end up in a pagoPA message or a PDF: only printable,
    XML-compatible characters (line breaks only in a multi-line box). Passwords are
    never sent anywhere, and stay as typed."""
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
        return
    validator = (validate_xml_multiline_text if isinstance(field.widget, forms.Textarea)
                 else validate_xml_text)
    if validator not in field.validators:
        field.validators.append(validator)


class StyledForm:
    """Mixin: Bootstrap Italia classes on every widget, ``is-invalid`` on fields in error,
    and every text field limited to printable, XML-compatible text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_widget(field, field.widget)
            require_xml_text(field)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                classes = widget.attrs.get("class", "")
                if "is-invalid" not in classes:
                    widget.attrs["class"] = f"{classes} is-invalid".strip()
