from django.db import migrations
from django.utils.text import slugify


def create_defaults(apps, schema_editor):
    from taxonomy import defaults

    def load(model_name, rows):
        model = apps.get_model("taxonomy", model_name)
        for order, row in enumerate(rows, start=1):
            name, description = row if isinstance(row, tuple) else (row, "")
            model.objects.get_or_create(
                slug=slugify(name)[:80],
                defaults={"name": name, "description": description, "sort_order": order * 10},
            )

    load("SalesStage", defaults.STAGES)
    load("BuyerPersona", defaults.PERSONAS)
    load("Industry", defaults.INDUSTRIES)
    load("SkillTag", defaults.SKILLS)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
