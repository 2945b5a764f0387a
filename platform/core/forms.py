from django.forms.renderers import TemplatesSetting


class RainmakerFormRenderer(TemplatesSetting):
    """Every form renders with labels, help text tied by aria-describedby and inline errors."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
