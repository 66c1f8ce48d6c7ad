"""Studio's admin pages (admins only; everyone else gets 404): they parse, call one action,
render."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def apply(form, call) -> bool:
    """Run `call()` for a valid form; put refused rules on the form's fields. True on success."""
    if not form.is_valid():
        return False
    try:
        call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return False
    return True


def refused(request, error: ValidationError) -> None:
    """Show a refused action as a message (for the small one-button forms)."""
    for text in error.messages:
        messages.error(request, text)
