"""API keys masked out of what alerts store and send.

Messages are made from names, amounts and the panels' own words, which the panel client never
lets a key into; but a panel may quote one back in a way it does not recognise, and staff may
paste one where a name or link goes. So every text is masked before it is stored (an alert, a
message) and again as it leaves.
"""

from panel import mask_key
from providers import encryption
from providers.models import Provider


def key_mask():
    """A function that masks every stored API key in a text; the keys are read once, here."""
    keys = []
    for token in Provider.objects.values_list("api_key_encrypted", flat=True):
        try:
            key = encryption.decrypt(token)
        except encryption.KeyNotDecryptable:
            continue
        if key:
            keys.append(key)
    keys.sort(key=len, reverse=True)  # a key inside a longer one is masked with the longer

    def mask(text: str) -> str:
        for key in keys:
            if key in text:
                text = text.replace(key, mask_key(key))
        return text

    return mask


def scrub(text: str) -> str:
    """`text` with every stored API key masked."""
    return key_mask()(text)
