"""Mass orders in the formats staff have them in: `|` lines, CSV with semicolons (Excel in
Russian) or commas, tabs from a spreadsheet, and an Excel workbook; the page says which."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orders.models import Order
from orders.services import read_box
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db


def post(client, provider, *, lines="", upload=None):
    data = {"provider": provider.pk, "lines": lines, "form_token": "mass-formats"}
    if upload is not None:
        data["csv_file"] = upload
    response = client.post("/orders/mass/", data)
    assert response.status_code == 200
    return response


def ordered_links():
    return sorted(Order.objects.values_list("link", flat=True))


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def service(synced):
    return a_service(synced("smmprovider"))


def test_pasted_semicolon_csv_with_a_header_is_ordered_and_named(service, buyer_client):
    lines = "Service;Link;Quantity\r\n" + "".join(
        f'{service.service_id};"https://t.me/c{n}";{service.min}\r\n' for n in range(2)
    )

    response = post(buyer_client, service.provider, lines=lines)

    assert ordered_links() == ["https://t.me/c0", "https://t.me/c1"]
    page = response.content.decode()
    assert "Read 2 lines as CSV with semicolons." in page
    assert "The first row was taken for a header and skipped." in page


def test_a_semicolon_line_that_fails_is_named_and_comes_back_as_typed(service, buyer_client):
    lines = (
        f"{service.service_id};https://t.me/ok;{service.min}\n"
        f"{service.service_id};https://t.me/big;{service.max + 1}\n"
    )

    response = post(buyer_client, service.provider, lines=lines)

    assert ordered_links() == ["https://t.me/ok"]
    bad = [line for line in response.context["report"] if line.error]
    assert [line.where for line in bad] == ["Line 2"] and "between" in bad[0].error
    assert "Line 2" in response.content.decode()
    assert response.context["form"].initial["lines"] == (
        f"{service.service_id};https://t.me/big;{service.max + 1}"
    )


def test_a_comma_csv_file_with_bom_quotes_and_windows_line_ends(service, buyer_client):
    text = (
        "service,link,quantity\r\n"
        f'{service.service_id},"https://t.me/c?a=1,2",{service.min}\r\n'
        f"{service.service_id},https://t.me/plain,{service.min}\r\n"
    )
    upload = SimpleUploadedFile("orders.csv", text.encode("utf-8-sig"), content_type="text/csv")

    response = post(buyer_client, service.provider, upload=upload)

    assert ordered_links() == ["https://t.me/c?a=1,2", "https://t.me/plain"]
    assert "Read 2 rows of orders.csv as CSV with commas." in response.content.decode()


def test_a_russian_excel_csv_in_windows_cyrillic(service, buyer_client):
    text = (
        f"Услуга;Ссылка;Количество\r\n{service.service_id};https://vk.com/группа;{service.min}\r\n"
    )
    upload = SimpleUploadedFile("заказы.csv", text.encode("cp1251"), content_type="text/csv")

    response = post(buyer_client, service.provider, upload=upload)

    assert ordered_links() == ["https://vk.com/группа"]
    page = response.content.decode()
    assert "as CSV with semicolons" in page and "Windows Cyrillic (cp1251)" in page


def test_tabs_copied_from_a_spreadsheet(service, buyer_client):
    lines = f"{service.service_id}\thttps://t.me/tab\t{service.min}\n"

    response = post(buyer_client, service.provider, lines=lines)

    assert ordered_links() == ["https://t.me/tab"]
    assert "Read 1 line as columns separated by tabs." in response.content.decode()


def test_the_separator_is_the_one_that_makes_three_columns():
    # The link holds commas and a semicolon; the pipe still makes three columns.
    reading = read_box("17 | https://x.com/p?a=1,2,3;b | 1000\n18 | https://x.com/q | 500")
    assert reading.format == "pipe"
    assert reading.lines[0].fields == ["17", "https://x.com/p?a=1,2,3;b", "1000"]
    assert read_box("17;https://x.com/p?a=1,2,3;1000").format == "semicolon"
    assert read_box('17,"https://x.com/p?a=1;2",1000').format == "comma"


def test_an_excel_workbook_first_sheet(service, buyer_client):
    data = xlsx(
        [
            ["Service", "Link", "Quantity"],
            [int(service.service_id), "https://t.me/x1", float(service.min)],
            [None, None, None],
            [service.service_id, "https://t.me/x2", service.min],
        ]
    )
    upload = SimpleUploadedFile("orders.xlsx", data)

    response = post(buyer_client, service.provider, upload=upload)

    assert ordered_links() == ["https://t.me/x1", "https://t.me/x2"]
    page = response.content.decode()
    assert "Read 2 rows of orders.xlsx as an Excel sheet." in page
    assert "Row 2 of the file" in page


def test_a_workbook_row_with_a_bad_quantity_is_named(service, buyer_client):
    data = xlsx([[service.service_id, "https://t.me/x1", "lots"]])

    response = post(buyer_client, service.provider, upload=SimpleUploadedFile("o.xlsx", data))

    assert not Order.objects.exists()
    (line,) = response.context["report"]
    assert line.where == "Row 1 of the file" and "is not a whole number" in line.error


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00garbage" * 50, "This .xlsx file cannot be read"),
        (xlsx([["a"]])[:300], "This .xlsx file cannot be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "old Excel .xls workbook"),
    ],
)
def test_a_broken_workbook_is_a_clear_message_and_the_box_is_kept(
    service, buyer_client, data, message
):
    typed = f"{service.service_id} | https://t.me/kept | {service.min}"

    response = post(
        buyer_client, service.provider, lines=typed, upload=SimpleUploadedFile("o.xlsx", data)
    )

    page = response.content.decode()
    assert message in page and "Nothing was ordered." in page
    assert response.context["form"]["lines"].value() == typed
    assert not Order.objects.exists()
