"""Encrypt the two-step secrets stored in the clear before decision 0029 (TOTP secrets and
recovery-code seeds), with the key in ALONGSIDE_MFA_KEY. Backwards decrypts them again."""

from django.db import migrations


def forwards(apps, schema_editor):
    from alongside.accounts.keys import reencrypt_all

    reencrypt_all(apps.get_model("mfa", "Authenticator"))


def backwards(apps, schema_editor):
    from alongside.accounts.keys import decrypted_data

    authenticators = apps.get_model("mfa", "Authenticator")
    for authenticator in authenticators.objects.order_by("pk").iterator():
        authenticator.data = decrypted_data(authenticator.type, authenticator.data)
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_cache_table"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
