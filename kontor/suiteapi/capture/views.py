"""SuiteCRM's web-to-lead entry points, `index.php?entryPoint=WebToLeadCapture` and
`…=WebToPersonCapture`, for websites whose forms were made by SuiteCRM's form generator.

A post is a submission of the capture's Kontor web form (`capture.actions`), checked and
written by the web forms' own form, protections and action: field validation, duplicates by
e-mail, rate and size limits, consent. Switched off, the entry points answer as SuiteCRM
answers an entry point it does not have: the caller is sent to the sign-in page. Unlike
SuiteCRM, the redirect after a post never carries the submitted values, and it only leads to
the hosts allowed for web forms (KONTOR_WEBFORM_REDIRECT_HOSTS); a post naming another
address is refused and writes nothing. As nothing is added to the site's address (but
SuiteCRM's `error=1`), a redirect header always carries it: SuiteCRM's fallback, a page with
a self-sending form for addresses over 2083 characters, is not needed (longer ones fail the
check of a safe address and are refused).
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kontor.suiteapi.capture import post as suite_post
from kontor.suiteapi.capture.actions import capture_forms
from kontor.webforms import actions as webform_actions
from kontor.webforms import protection
from kontor.webforms.formfields import PublicForm, model_for
from kontor.webforms.validation import field_label, redirect_allowed

ENTRY_POINTS = ("WebToLeadCapture", "WebToPersonCapture")
#: SuiteCRM's module directories and the record type Kontor creates for them.
MODULE_DIRS = {"Leads": "leads", "Prospects": "targets"}
#: What SuiteCRM adds to the redirect address when nothing could be created.
ERROR_FLAG = "error=1"


@csrf_exempt  # posted from other sites' pages, which carry no Kontor token
def index_php(request):
    """`index.php`: SuiteCRM's one front door, dispatched on `entryPoint`; Kontor serves only
    the web-to-lead ones (the API lives under its own addresses)."""
    entry_point = request.GET.get("entryPoint") or request.POST.get("entryPoint")
    if entry_point not in ENTRY_POINTS:
        raise Http404
    module_dir = None
    if entry_point == "WebToPersonCapture":
        module_dir = request.POST.get("moduleDir") or request.GET.get("moduleDir") or ""
    module = MODULE_DIRS.get(module_dir, "") if module_dir is not None else "leads"
    forms = capture_forms()
    if not any(w is not None and w.active for w in forms.values()):
        return _disabled()
    if module_dir == "":
        # SuiteCRM's own words for a WebToPerson post without a module
        return HttpResponse("Not a valid module directory", content_type="text/plain")
    if not module:
        return _answer(
            request,
            status=400,
            message=_(
                "Kontor takes website forms as leads or targets only; %(module)s cannot be "
                "created this way."
            )
            % {"module": module_dir},
        )
    webform = forms[module]
    if webform is None or not webform.active:
        return _disabled()
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    with translation.override(webform.language):
        return _capture(request, webform)


def _disabled():
    """SuiteCRM's answer for an entry point it does not have: to the sign-in page."""
    return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


def _capture(request, webform):
    """Check size, rate and redirect address, then submit the post as `webform`'s."""
    if protection.too_large(request):
        return HttpResponse(_("The submission is too large."), status=413)
    address = protection.client_address(request)
    if protection.rate_limited(address):
        return HttpResponse(_("Too many submissions. Please try again later."), status=429)
    target = request.POST.get("redirect_url") or request.POST.get("redirect") or ""
    if target and not redirect_allowed(target):
        return _answer(
            request,
            status=400,
            message=_(
                "This form leads to an address Kontor does not redirect to: nothing was sent."
            ),
        )
    form = PublicForm(webform, suite_post.form_data(request.POST, webform))
    errors = _errors(form) if not form.is_valid() else []
    if not errors:
        consent = (
            bool(form.cleaned_data.get("consent"))
            if "consent" in form.fields
            else suite_post.opted_in(request.POST)
        )
        try:
            webform_actions.submit_webform(
                webform,
                {
                    **form.record_values(),
                    **suite_post.extra_values(
                        request.POST, {field["name"] for field in webform.fields}
                    ),
                },
                nonce=suite_post.fingerprint(webform, request.POST, address),
                consent=consent,
            )
        except ValidationError as error:
            errors = _model_errors(webform, error)
    if target:
        # Exactly the site's address (plus SuiteCRM's failure flag): never the submitted values.
        return HttpResponseRedirect(_with_error_flag(target) if errors else target)
    if errors:
        return _answer(request, status=400, message=_("Please check your entries."), errors=errors)
    if webform.redirect_url:
        return HttpResponseRedirect(webform.redirect_url)
    return _answer(
        request, message=webform.text("thank_you") or _("Thank you for submitting your interest.")
    )


def _with_error_flag(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{ERROR_FLAG}"


def _errors(form) -> list[str]:
    """The public form's errors as "Label: message" lines, in the form's language."""
    lines = []
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        lines += [f"{label}: {m}" if label else m for m in messages]
    return lines


def _model_errors(webform, error: ValidationError) -> list[str]:
    """The record's refusal (the action validates again) as "Label: message" lines."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    model = model_for(webform.module)
    return [
        m if field == NON_FIELD_ERRORS else f"{field_label(model, field)}: {m}"
        for field, errors in error.error_dict.items()
        for e in errors
        for m in e.messages
    ]


def _answer(request, *, message: str, errors=(), status: int = 200):
    """A plain page for the website's visitor: thanks, or why nothing was sent."""
    return render(
        request,
        "suiteapi/capture_answer.html",
        {"message": message, "errors": errors, "failed": status >= 400},
        status=status,
    )
