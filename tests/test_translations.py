"""Every visible string is marked for translation, and the Russian catalog covers them all.

Three nets, each for what the others cannot see: the templates' text and visible attributes,
read without rendering; the Python calls whose strings reach a page (messages, form labels and
errors); and every page rendered in Russian, searched for English sentences left over.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.urls import reverse

from shops import services as shop_services

ROOT = Path(settings.BASE_DIR)
APPS = ["accounts", "alerts", "compare", "dashboard", "orders", "providers", "rates", "scores"]
APPS += ["shops", "spend", "smmdash"]
CATALOG = ROOT / "locale" / "ru" / "LC_MESSAGES"

# Attributes people read or hear (a tooltip, a placeholder, a screen reader's label, a
# confirmation question); other attributes are for the machine.
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-confirm")
# Words that are the same in every language: the product, formats and the panels' own terms.
SAME_IN_EVERY_LANGUAGE = {"smmdash", "CSV", "API", "URL", "JSON", "README", "ISO", "USD"}
# Elements whose text is code, data or drawing, not prose.
NOT_PROSE = {"script", "style", "code", "pre", "svg", "textarea", "kbd"}
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]+")


def english_words(text):
    return [word for word in WORD.findall(text) if word not in SAME_IN_EVERY_LANGUAGE]


class VisibleText(HTMLParser):
    """An HTML page's prose: text and visible attributes, code and scripts left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []
        self.texts = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            self.open.append(tag)
        self.texts += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if not NOT_PROSE.intersection(self.open) and data.strip():
            self.texts.append(data.strip())


# Stands in for what a template tag or variable renders: translated text or data, never prose
# of the template's own.
MARKED = "\u2063"


def unmarked_text(source):
    """The template's visible words outside {% translate %} and {% blocktranslate %}."""
    literal = []
    in_translation = in_comment = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            in_comment += {"comment": 1, "endcomment": -1}.get(name, 0)
            if name in ("blocktranslate", "blocktrans"):
                in_translation += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                in_translation -= 1
            elif name in ("translate", "trans"):
                literal.append(MARKED)
            continue
        if in_comment:
            continue
        if token.token_type == TokenType.VAR:
            literal.append(MARKED)
        elif token.token_type == TokenType.TEXT and not in_translation:
            literal.append(token.contents)
        elif in_translation:
            literal.append(MARKED)
    parser = VisibleText()
    parser.feed("".join(literal))
    return [text for text in parser.texts if english_words(text)]


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_visible_string_in_a_template_is_marked_for_translation(path):
    assert unmarked_text(path.read_text()) == []


def test_the_template_check_finds_an_unmarked_sentence_and_accepts_a_marked_one():
    assert unmarked_text("<p>Nothing here</p>") == ["Nothing here"]
    assert unmarked_text('<a title="Open it">{% translate "Open" %}</a>') == ["Open it"]
    assert unmarked_text('<a title="{% translate "Open it" %}">{{ x }}</a>') == []
    assert (
        unmarked_text(
            "<code>action=add</code>{% blocktranslate %}Hi {{ a }}{% endblocktranslate %}"
        )
        == []
    )


# Calls whose string argument (at this position) is shown to a person.
SHOWN_ARGUMENT = {"success": 1, "error": 1, "warning": 1, "info": 1, "ValidationError": 0}
SHOWN_ARGUMENT["add_error"] = 1
SHOWN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}


def _is_plain_string(node):
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and english_words(node.value)
    )


def _choice_labels(node):
    """The labels of a literal list of (value, label) choices."""
    if not isinstance(node, ast.List | ast.Tuple):
        return []
    pairs = [elt for elt in node.elts if isinstance(elt, ast.Tuple) and len(elt.elts) == 2]
    return [pair.elts[1] for pair in pairs]


def unmarked_python_strings(source, name="<module>"):
    found = []
    for node in ast.walk(ast.parse(source)):
        # Choices shown in a select: a keyword choices=[...] or a list named *_CHOICES.
        labels = []
        if (isinstance(node, ast.keyword) and node.arg == "choices") or (
            isinstance(node, ast.Assign)
            and any(getattr(target, "id", "").endswith("CHOICES") for target in node.targets)
        ):
            labels = _choice_labels(node.value)
        found += [f"{name}:{label.lineno}" for label in labels if _is_plain_string(label)]
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        called = getattr(function, "attr", None) or getattr(function, "id", "")
        position = SHOWN_ARGUMENT.get(called)
        if called in ("success", "error", "warning", "info") and not (
            isinstance(function, ast.Attribute) and getattr(function.value, "id", "") == "messages"
        ):
            position = None
        arguments = []
        if position is not None and len(node.args) > position:
            arguments.append(node.args[position])
        arguments += [kw.value for kw in node.keywords if kw.arg in SHOWN_KEYWORDS]
        found += [f"{name}:{arg.lineno}" for arg in arguments if _is_plain_string(arg)]
    return found


def test_strings_python_shows_people_are_marked_for_translation():
    modules = [path for app in APPS for path in (ROOT / app).rglob("*.py")]
    modules = [path for path in modules if "migrations" not in path.parts]
    found = []
    for path in modules:
        found += unmarked_python_strings(path.read_text(), str(path.relative_to(ROOT)))
    assert found == []


def test_the_python_check_finds_an_unmarked_message():
    source = 'messages.success(request, "Saved.")\nmessages.info(request, _("Saved."))\n'
    assert unmarked_python_strings(source) == ["<module>:1"]
    assert unmarked_python_strings('forms.CharField(label=f"{x} days")') == ["<module>:1"]
    assert unmarked_python_strings('f = ChoiceField(choices=[("", "All"), *OTHERS])') == [
        "<module>:1"
    ]
    assert unmarked_python_strings('KIND_CHOICES = [("", _("Any kind"))]') == []


def catalog_entries(po_file=CATALOG / "django.po"):
    """(context, msgid, plural, msgstr forms, fuzzy) for each entry of a .po file (the
    Russian catalog unless told)."""
    entries, current, field, fuzzy = [], {}, None, False
    for line in [*po_file.read_text().splitlines(), ""]:
        if not line.strip():
            if current.get("msgid"):
                forms = [v for k, v in sorted(current.items()) if k.startswith("msgstr")]
                entries.append(
                    (
                        current.get("msgctxt"),
                        current["msgid"],
                        current.get("msgid_plural"),
                        forms,
                        fuzzy,
                    )
                )
            current, field, fuzzy = {}, None, False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif match := re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line):
            field = match[1]
            current[field] = match[2]
        elif line.startswith('"') and field:
            current[field] += line[1:-1]
    return entries


def test_the_russian_catalog_translates_everything_and_is_compiled():
    entries = catalog_entries()
    assert len(entries) > 900
    untranslated = [msgid for _, msgid, _, forms, fuzzy in entries if fuzzy or not all(forms)]
    assert untranslated == []
    # The compiled catalog Django reads is the one the .po file says: no stale .mo.
    with (CATALOG / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    unescape = lambda text: text.encode().decode("unicode_escape").encode("latin-1").decode()  # noqa: E731
    stale = []
    for context, msgid, plural, forms, _ in entries:
        if context:
            got, want = catalog.pgettext(context, unescape(msgid)), unescape(forms[0])
        elif plural:
            got = catalog.ngettext(unescape(msgid), unescape(plural), 5)
            want = unescape(forms[2])
        else:
            got, want = catalog.gettext(unescape(msgid)), unescape(forms[0])
        if got != want:
            stale.append(msgid)
    assert stale == [], "run: .venv/bin/python manage.py compilemessages --ignore=.venv"


# bin/translations's folders left out of the catalog.
NOT_TRANSLATED = [".venv", "tests", "bench", "simulator", "staticfiles", "var", "docs"]


def test_makemessages_finds_nothing_new_to_translate(tmp_path):
    """The catalog is up to date with the code: makemessages, run as bin/translations runs it
    on a copy of the catalog (the real one is never written), leaves no entry untranslated or
    fuzzy, so a string added without its Russian fails here before anyone runs it."""
    if shutil.which("xgettext") is None:
        reason = "makemessages needs GNU gettext: install it with 'apt-get install gettext'"
        if os.environ.get("CI"):
            pytest.fail(reason + " (it is not skipped in CI)")
        pytest.skip(reason)
    catalog = tmp_path / "locale" / "ru" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    shutil.copy(CATALOG / "django.po", catalog)
    for entry in ROOT.iterdir():
        if not entry.name.startswith(".") and entry.name not in ("locale", *NOT_TRANSLATED):
            (tmp_path / entry.name).symlink_to(entry)
    (tmp_path / "copy_settings.py").write_text(
        f"from tests.settings import *  # noqa\nLOCALE_PATHS = [{str(tmp_path / 'locale')!r}]\n"
    )
    ignore = [f"--ignore={name}" for name in NOT_TRANSLATED]
    command = [sys.executable, "-m", "django", "makemessages", "--all", "--symlinks"]
    command += ["--no-obsolete", "--no-location", "--no-wrap", *ignore]
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "copy_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }
    subprocess.run(command, cwd=tmp_path, env=environment, check=True, capture_output=True)
    entries = catalog_entries(catalog / "django.po")
    assert len(entries) >= len(catalog_entries())
    new = [msgid for _, msgid, _, forms, fuzzy in entries if fuzzy or not all(forms)]
    assert new == [], "new or changed strings without Russian (run bin/translations)"


# Three lowercase English words in a row: a sentence of ours. Names from the panels (services,
# categories) are title case or carry their own symbols, so they do not read as one.
ENGLISH_SENTENCE = re.compile(
    r"\b(?!(?:instagram|tiktok|youtube)\b)[a-z]{2,} [a-z]{2,} [a-z]{2,}\b"
)


def english_left_over(html, allowed=()):
    parser = VisibleText()
    parser.feed(html)
    return [t for t in parser.texts if ENGLISH_SENTENCE.search(t) and t not in allowed]


@pytest.mark.django_db
def test_every_page_reads_in_russian(client, staff_admin, synced, place, settings):
    provider = synced("smmprovider")
    rubles = synced("smmub", currency="RUB")
    order = place(provider.services.filter(platform="instagram", type="Default").first())
    client.force_login(staff_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    # Text that comes from the panels or from staff, not from smmdash, and the order's
    # timeline: a record, kept in the words it was written in.
    allowed = {order.link, order.service_name, order.last_error}
    allowed |= set(order.events.values_list("message", flat=True))
    pages = [
        reverse("dashboard:home"),
        reverse("providers:index"),
        reverse("providers:detail", args=[provider.pk]),
        reverse("providers:catalog", args=[rubles.pk]),
        reverse("providers:add"),
        reverse("compare:index") + "?q=instagram+followers&quantity=1000",
        reverse("compare:groups"),
        reverse("orders:index"),
        reverse("orders:detail", args=[order.pk]),
        reverse("orders:new"),
        reverse("orders:mass"),
        reverse("scores:index"),
        reverse("spend:index"),
        reverse("alerts:index"),
        reverse("alerts:notifications"),
        reverse("rates:index"),
        reverse("dashboard:background"),
        reverse("accounts:account"),
    ]
    shop, _ = shop_services.create_shop("Partner panel", credit=Decimal(5))
    allowed.add(shop.name)
    pages += [
        reverse("shops:index"),
        reverse("shops:api"),
        reverse("shops:new"),
        reverse("shops:detail", args=[shop.pk]),
        reverse("shops:edit", args=[shop.pk]),
    ]
    left_over = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="ru"' in html, url
        if found := english_left_over(html, allowed):
            left_over[url] = found
    assert left_over == {}, "\n".join(f"{k}: {v}" for k, v in left_over.items())


def test_amounts_durations_and_shares_are_written_the_russian_way():
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import translation

    from scores.templatetags.scorecards import share, took
    from smmdash.lib.numbers import amount_text
    from smmdash.templatetags.ui import duration

    with translation.override("ru"):
        assert amount_text(Decimal("12345.678"), "RUB") == "12\u00a0345,68 RUB"
        assert amount_text(Decimal("0.004094"), "USD") == "<0,01 USD"
        assert took(5400) == "1,5 ч"
        assert share(Decimal("0.974")) == "97,4%"
        assert duration(timedelta(minutes=22)) == "22 минуты"
    with translation.override("en"):
        assert amount_text(Decimal("12345.678"), "RUB") == "12,345.68 RUB"
