"""Provider API keys at rest: encrypted with the Fernet keys in PROVIDER_SECRET_KEYS.

The setting is a list, newest first. The first key encrypts; every key is tried when
decrypting, so a new key can be put in front, `manage.py rotate_provider_keys` run, and the old
key dropped afterwards.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class KeyNotDecryptable(Exception):
    """A stored API key that none of the configured keys can open."""


def _fernet() -> MultiFernet:
    keys = settings.PROVIDER_SECRET_KEYS
    if not keys:
        raise ImproperlyConfigured(
            "PROVIDER_SECRET_KEYS is not set: provider API keys cannot be encrypted. Generate a "
            "key with: python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32))"
            ".decode())'"
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except ValueError:
            raise ImproperlyConfigured(
                f"PROVIDER_SECRET_KEYS: key number {position} is not a Fernet key "
                "(32 random bytes, url-safe base64 encoded)."
            ) from None
    return MultiFernet(fernets)


def configuration_problem() -> str | None:
    """Why the keys cannot be used, or None when they can (for the system check)."""
    try:
        _fernet()
    except ImproperlyConfigured as problem:
        return str(problem)
    return None


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        # `from None`: the Fernet token has no business in a traceback either.
        raise KeyNotDecryptable(
            "The stored API key cannot be decrypted with any key in PROVIDER_SECRET_KEYS. "
            "Restore the key it was encrypted with, or enter the API key again."
        ) from None


def rotate(token: str) -> str:
    """The same secret, encrypted with the first key."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise KeyNotDecryptable(
            "A stored API key cannot be decrypted with any key in PROVIDER_SECRET_KEYS."
        ) from None
