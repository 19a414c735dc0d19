from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0003_shapes_apart"),
    ]

    operations = [
        migrations.RemoveField(model_name="departement", name="geometry"),
        migrations.RemoveField(model_name="epci", name="geometry"),
    ]
