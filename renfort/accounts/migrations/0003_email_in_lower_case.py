import django.db.models.functions.text
from django.db import migrations, models


def emails_to_lower_case(apps, schema_editor):
    """Accounts created before the constraint: their address in lower case. Two accounts whose
    addresses differ only by case must be merged by hand first (the migration says so)."""
    User = apps.get_model("accounts", "User")
    taken = {}
    for user in User.objects.order_by("pk"):
        taken.setdefault(user.email.strip().lower(), []).append(user)
    twins = [email for email, users in taken.items() if len(users) > 1]
    if twins:
        raise RuntimeError(
            f"{len(twins)} adresse(s) servent à plusieurs comptes, à la casse près "
            "(fusionnez-les avant de migrer) : " + ", ".join(sorted(twins))
        )
    for email, (user,) in taken.items():
        if user.email != email:
            user.email = email
            user.save(update_fields=["email"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_login_failure"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("territories", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(emails_to_lower_case, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("email", django.db.models.functions.text.Lower("email"))),
                name="email_in_lower_case",
            ),
        ),
    ]
