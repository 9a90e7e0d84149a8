"""Russian as well as English: the switch in the header, remembered, with numbers to match."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_switch_to_russian_at_the_login_page_and_it_stays_after_logging_in(
    page, snap, manager, synced, place
):
    provider = synced("smmprovider")
    place(provider.services.filter(platform="instagram", type="Default").first())

    page.goto("/login/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_role("button", name="Русский").click()
    expect(page.get_by_role("heading", name="Вход")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    page.get_by_label("Имя пользователя").fill("manager")
    page.get_by_label("Пароль").fill("pw")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()
    nav = page.get_by_role("navigation", name="Основное")
    expect(nav.get_by_role("link", name="Заказы", exact=True)).to_be_visible()
    # Numbers as Russian writes them: a decimal comma (tests/test_translations.py has the
    # thousands).
    expect(page.locator(".stats").first).to_contain_text(re.compile(r"\d,\d\d USD"))
    snap("dashboard-ru")

    # Remembered: another page, a new tab of the same browser, still Russian.
    nav.get_by_role("link", name="Заказы", exact=True).click()
    expect(page.get_by_role("heading", name="Заказы", exact=True)).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("Ожидает")
    other = page.context.new_page()
    other.goto(page.url.replace("/orders/", "/providers/"))
    expect(other.get_by_role("heading", name="Провайдеры")).to_be_visible()
    other.close()

    page.set_viewport_size(PHONE)
    page.goto("/")
    snap("dashboard-ru-phone")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    snap("dashboard-en")
