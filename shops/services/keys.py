"""Shops and their API keys: a key is made by smmdash, shown once, and kept only as its
SHA-256 (a random 128-bit key needs no slow hash), compared in constant time."""

import hashlib
import hmac
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shops.models import Shop
from shops.services import notes
from shops.services.ledger import top_up


def new_key() -> str:
    """32 hex characters, the shape panels' own keys have."""
    return secrets.token_hex(16)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def shop_for_key(key: str) -> Shop | None:
    """The shop whose key this is (enabled or not), or None. Wrong keys and unknown shops look
    the same from outside."""
    if not key or len(key) > 200:
        return None
    hashed = hash_key(key)
    shop = Shop.objects.filter(key_hash=hashed).first()
    if shop is None or not hmac.compare_digest(shop.key_hash, hashed):
        return None
    return shop


def _set_key(shop: Shop) -> str:
    key = new_key()
    shop.key_hash, shop.key_hint, shop.key_set_at = hash_key(key), key[-4:], timezone.now()
    return key


def create_shop(name: str, *, credit=Decimal(0), user=None, **fields) -> tuple[Shop, str]:
    """A new shop and its key (the only time the key is seen), with `credit` as a first top-up."""
    shop = Shop(name=name.strip(), created_by=user, **fields)
    key = _set_key(shop)
    with transaction.atomic():
        shop.save()
        if credit:
            top_up(shop, Decimal(credit), note=notes.OPENING_CREDIT, user=user)
    shop.refresh_from_db()
    return shop, key


def rotate_key(shop: Shop) -> str:
    """A new key for `shop`; the old one stops working at once."""
    key = _set_key(shop)
    shop.save(update_fields=["key_hash", "key_hint", "key_set_at"])
    return key
