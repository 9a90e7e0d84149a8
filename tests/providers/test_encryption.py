import traceback

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from providers import encryption
from providers.models import Provider

pytestmark = pytest.mark.django_db

SECRET = "k3y-0f-the-panel-account-1234"


def new_key():
    return Fernet.generate_key().decode()


def saved(secret=SECRET, name="panel"):
    provider = Provider(name=name, api_url="https://panel.example/api/v2")
    provider.set_api_key(secret)
    provider.save()
    return Provider.objects.get(pk=provider.pk)


def test_the_key_is_stored_encrypted_and_read_back():
    provider = saved()
    assert SECRET not in provider.api_key_encrypted
    assert provider.api_key == SECRET
    assert provider.masked_key == "••••1234"
    # Fernet tokens are salted: the same key encrypts differently each time.
    assert encryption.encrypt(SECRET) != encryption.encrypt(SECRET)


def test_every_configured_key_is_tried_and_the_first_one_writes(settings):
    old = settings.PROVIDER_SECRET_KEYS[0]
    provider = saved()
    settings.PROVIDER_SECRET_KEYS = [new_key(), old]
    assert provider.api_key == SECRET  # read with the second key
    provider.set_api_key(SECRET)
    settings.PROVIDER_SECRET_KEYS = settings.PROVIDER_SECRET_KEYS[:1]
    assert provider.api_key == SECRET  # written with the first


def test_rotation_re_encrypts_every_row_so_the_old_key_can_go(settings):
    old = settings.PROVIDER_SECRET_KEYS[0]
    saved(name="one")
    saved("another-secret-abcdefgh", name="two")
    newest = new_key()
    settings.PROVIDER_SECRET_KEYS = [newest, old]

    call_command("rotate_provider_keys")

    settings.PROVIDER_SECRET_KEYS = [newest]
    assert Provider.objects.get(name="one").api_key == SECRET
    assert Provider.objects.get(name="two").api_key == "another-secret-abcdefgh"


def test_a_key_nothing_can_decrypt_is_a_clear_error_not_garbage(settings):
    provider = saved()
    settings.PROVIDER_SECRET_KEYS = [new_key()]
    with pytest.raises(encryption.KeyNotDecryptable) as raised:
        provider.api_key  # noqa: B018
    assert "cannot be decrypted with any key in PROVIDER_SECRET_KEYS" in str(raised.value)
    printed = "".join(traceback.format_exception(raised.value))
    assert "InvalidToken" not in printed
    assert provider.api_key_encrypted not in printed


def test_rotation_leaves_undecryptable_rows_alone_and_says_which(settings):
    saved(name="readable")
    orphan = saved(name="orphan")
    token = orphan.api_key_encrypted
    settings.PROVIDER_SECRET_KEYS = [new_key()]
    Provider.objects.filter(name="readable").update(
        api_key_encrypted=encryption.encrypt("fresh-key-0000000000")
    )
    Provider.objects.filter(name="orphan").update(api_key_encrypted=token)

    with pytest.raises(CommandError, match="orphan"):
        call_command("rotate_provider_keys")
    assert Provider.objects.get(name="orphan").api_key_encrypted == token


@pytest.mark.parametrize(
    ("keys", "problem"),
    [([], "PROVIDER_SECRET_KEYS is not set"), (["not-a-key"], "key number 1 is not a Fernet key")],
)
def test_missing_or_malformed_keys_fail_the_system_check(settings, keys, problem):
    settings.PROVIDER_SECRET_KEYS = keys
    errors = [error for error in run_checks() if error.id == "providers.E001"]
    assert len(errors) == 1 and problem in errors[0].msg
    with pytest.raises(ImproperlyConfigured, match=problem):
        encryption.encrypt(SECRET)
