"""Pages in Russian hold no English of smmdash's own: form labels, help texts, the blank
choice, the catalog's filter, the Buy plan, health badges, and alerts written in the reader's
language whatever language the tick wrote them in."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from alerts import services as alert_services
from alerts.models import Alert
from providers.models import Provider
from tests.market import GROUP
from tests.test_translations import VisibleText

# Words of smmdash's own English a Russian page must not show (the blank choice is Django's).
ENGLISH = [
    "- Select an option -",
    "Low balance",
    "Healthy",
    "The balance is",
    "Name",
    "Currency",
    "Low balance threshold",
    "Catalog refresh interval",
    "Enabled",
    "Notes",
    "Stored encrypted",
    "Price changed",
    "Inactive",
    "Platform",
    "Quality",
    "Speed",
    "Link",
    "Quantity",
    "Product",
    "Provider",
    "Lines",
    "by the default policy",
    "per 1000 delivered",
    "Value of 1 unit",
    "Note",
    "Kind",
    "minutes",
]


def english_on(html):
    parser = VisibleText()
    parser.feed(html)
    words = [re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])") for word in ENGLISH]
    return sorted({w.pattern for text in parser.texts for w in words if w.search(text)})


@pytest.mark.django_db
def test_the_pages_fixed_read_in_russian(client, staff_admin, market, settings):
    Provider.objects.update(low_balance_threshold=Decimal("100000"))
    provider = Provider.objects.first()
    service = provider.services.filter(platform="instagram").first()
    alert_services.evaluate()  # written in ALERT_LANGUAGE, English
    assert Alert.objects.filter(title__startswith="Low balance at").count() == 3
    client.force_login(staff_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    pages = [
        reverse("dashboard:home"),
        reverse("providers:index"),
        reverse("providers:add"),
        reverse("providers:edit", args=[provider.pk]),
        reverse("providers:catalog", args=[provider.pk]),
        reverse("compare:offer", args=[service.pk]),
        reverse("compare:groups"),
        reverse("orders:new") + f"?service={service.pk}",
        reverse("orders:mass"),
        reverse("orders:buy") + f"?product={GROUP}&quantity=1000&link=https://instagram.com/p/x",
        reverse("spend:index"),
        reverse("alerts:index"),
        reverse("alerts:notifications"),
        reverse("rates:index"),
    ]
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if english := english_on(response.content.decode()):
            found[url] = english
    assert found == {}
    alerts_page = client.get(reverse("alerts:index")).content.decode()
    assert "Низкий баланс у"  # noqa: RUF001 in alerts_page
    assert "100\u00a0000,00 USD" in alerts_page  # the threshold, written the Russian way
    assert "— выберите —" in client.get(reverse("spend:index")).content.decode()
    assert "Низкий баланс" in client.get(reverse("providers:index")).content.decode()


@pytest.mark.django_db
def test_an_alert_is_written_in_the_readers_language(synced, settings):
    settings.ALERT_LANGUAGE = "en"
    synced("smmsheba", low_balance_threshold=Decimal("5000"))
    alert_services.evaluate()
    alert = Alert.objects.get()
    assert alert.title == "Low balance at smmsheba"  # as the channels were told
    assert "1,000.00" in alert.detail
    with translation.override("ru"):
        assert alert.shown_title == "Низкий баланс у smmsheba"  # noqa: RUF001
        assert "5\u00a0000,00 USD" in alert.shown_detail
    with translation.override("en"):
        assert alert.shown_title == "Low balance at smmsheba"
        assert "5,000.00 USD" in alert.shown_detail
