"""The links long tables draw a row at a time are the ones reverse() gives, script prefix too."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from smmdash.templatetags.ui import id_url


@pytest.mark.parametrize("viewname", ["compare:offer", "providers:detail", "orders:detail"])
@pytest.mark.parametrize("pk", [1, 42, 2_147_483_647, 9_000_000_000])
def test_id_url_is_what_reverse_gives(viewname, pk):
    assert id_url(pk, viewname) == reverse(viewname, args=[pk])


def test_id_url_follows_the_script_prefix():
    set_script_prefix("/smmdash/")
    try:
        assert id_url(7, "compare:offer") == reverse("compare:offer", args=[7])
        assert id_url(7, "compare:offer").startswith("/smmdash/")
    finally:
        clear_script_prefix()
    assert id_url(7, "compare:offer") == reverse("compare:offer", args=[7])


def test_id_url_takes_only_ids():
    with pytest.raises(ValueError):
        id_url("7/../../admin", "compare:offer")
