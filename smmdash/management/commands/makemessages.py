"""Django's makemessages, also reading plurals marked with smmdash.lib.texts.ngettext_noop (a
message kept to be rendered later, in the reader's language)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=ngettext_noop:1,2"]
