"""What every form shares: a refusal for a field the page does not show is still told.

Templates show a form's own errors above its fields and draw hidden fields bare, with no place
for an error; so a form refused for a hidden field (a token lost on the way) would be drawn
again saying nothing. Forms with hidden fields count those fields' errors among their own.
"""

from django import forms
from django.utils.translation import gettext_noop

# The label of a required select's empty choice, Django's own string (django.db.models.fields
# BLANK_CHOICE_LABEL), which Django's Russian catalog does not translate yet: named here so
# makemessages keeps it in ours, which Django reads first.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")


class HiddenFieldErrorsShown:
    """A form mixin: ``non_field_errors()`` includes the errors of its hidden fields."""

    def non_field_errors(self):
        errors = super().non_field_errors()
        hidden = [error for field in self.hidden_fields() for error in field.errors]
        if not hidden:
            return errors
        return self.error_class([*errors, *hidden], error_class="nonfield", renderer=self.renderer)


def token_field(required_message) -> forms.CharField:
    """A hidden field for a form's one-time token, refused with `required_message` when it
    does not come back."""
    return forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": required_message, "max_length": required_message},
    )
