import django.db.models.deletion
from django.db import migrations, models

# The outlines move to their own tables (DepartementShape, EPCIShape, see the models): copied
# here, the old columns dropped by 0004 once the copy is committed. ~3.5 MB in all: read at once.
BATCH = 200
TABLES = (("Departement", "DepartementShape"), ("EPCI", "EPCIShape"))


def copy_to_shapes(apps, schema_editor):
    for territory, shape in TABLES:
        Territory = apps.get_model("territories", territory)
        Shape = apps.get_model("territories", shape)
        rows = Territory.objects.exclude(geometry=None).values_list("pk", "geometry")
        Shape.objects.bulk_create(
            [Shape(pk=pk, geometry=geometry) for pk, geometry in rows], batch_size=BATCH
        )


def copy_back(apps, schema_editor):
    for territory, shape in TABLES:
        Territory = apps.get_model("territories", territory)
        Shape = apps.get_model("territories", shape)
        for pk, geometry in Shape.objects.values_list("pk", "geometry"):
            Territory.objects.filter(pk=pk).update(geometry=geometry)


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0002_french_plurals"),
    ]

    operations = [
        migrations.CreateModel(
            name="DepartementShape",
            fields=[
                (
                    "departement",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="shape",
                        serialize=False,
                        to="territories.departement",
                    ),
                ),
                ("geometry", models.JSONField(verbose_name="contour simplifié (GeoJSON)")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="mis à jour le")),
            ],
            options={
                "verbose_name": "contour de département",
                "verbose_name_plural": "contours de départements",
            },
        ),
        migrations.CreateModel(
            name="EPCIShape",
            fields=[
                (
                    "epci",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="shape",
                        serialize=False,
                        to="territories.epci",
                    ),
                ),
                ("geometry", models.JSONField(verbose_name="contour (GeoJSON)")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="mis à jour le")),
            ],
            options={
                "verbose_name": "contour d'EPCI",
                "verbose_name_plural": "contours d'EPCI",
            },
        ),
        migrations.RunPython(copy_to_shapes, copy_back),
    ]
