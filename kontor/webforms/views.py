"""Web form pages: the admin's list and editor (admins only), and the public hosted page and
submit endpoint (no login). The views only translate; `actions.submit_webform` decides."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kontor.core.admin_area import admin_required
from kontor.webforms import actions, protection
from kontor.webforms.formfields import HONEYPOT, PublicForm, model_for
from kontor.webforms.forms import WebFormForm
from kontor.webforms.models import WebForm
from kontor.webforms.validation import field_label, missing_required


@admin_required
def admin_list(request):
    """Every web form with its public address, and a warning on those visitors cannot send."""
    webforms = list(WebForm.objects.select_related("assigned_user"))
    for webform in webforms:
        webform.warning = missing_required(webform)  # from the cached configuration
    return render(request, "webforms/admin_list.html", {"webforms": webforms})


@admin_required
def admin_edit(request, pk=None):
    """Create (no pk) or change a form; the page also shows the link and embed snippet."""
    webform = get_object_or_404(WebForm, pk=pk) if pk else WebForm()
    form = WebFormForm(request.POST or None, instance=webform)
    if request.method == "POST" and form.is_valid():
        actions.save_webform(form.instance, actor=request.user)
        messages.success(request, _("Saved web form %(name)s.") % {"name": webform.name})
        return HttpResponseRedirect(reverse("webforms:admin-edit", args=[webform.pk]))
    status = 400 if form.is_bound else 200
    public_url = (
        request.build_absolute_uri(reverse("webforms:page", args=[webform.key]))
        if webform.pk
        else ""
    )
    # A form saved before Studio made a field required refuses every visitor: say so here.
    warning = missing_required(webform) if webform.pk and not form.is_bound else ""
    return render(
        request,
        "webforms/admin_edit.html",
        {"form": form, "webform": webform, "public_url": public_url, "warning": warning},
        status=status,
    )


def _policy(response, webform: WebForm):
    """Kontor's Content-Security-Policy, widened for this form only: other sites may frame it
    (KONTOR_WEBFORM_FRAME_ANCESTORS) and the form may lead to its redirect address."""
    kept = [
        d.strip()
        for d in settings.KONTOR_CSP.split(";")
        if d.strip() and not d.strip().startswith(("frame-ancestors", "form-action"))
    ]
    actions = ["'self'"]
    if webform.redirect_url:
        parts = urlsplit(webform.redirect_url)
        actions.append(f"{parts.scheme}://{parts.netloc}")
    ancestors = settings.KONTOR_WEBFORM_FRAME_ANCESTORS or ["*"]
    response["Content-Security-Policy"] = "; ".join(
        [*kept, f"form-action {' '.join(actions)}", f"frame-ancestors {' '.join(ancestors)}"]
    )
    return response


def _active_form(key: str) -> WebForm:
    webform = WebForm.objects.filter(key=key, active=True).first()
    if webform is None:
        raise Http404
    return webform


def _render_page(request, webform, form, *, status=200, error="", resent=False):
    context = {
        "webform": webform,
        "form": form,
        "error": error,
        "token": protection.issue_token(webform, resent=resent),
        "honeypot": HONEYPOT,
        "embed": request.GET.get("embed") == "1" or request.POST.get("embed") == "1",
    }
    return _policy(render(request, "webforms/public_page.html", context, status=status), webform)


@xframe_options_exempt
@require_http_methods(["GET", "HEAD"])
def public_page(request, key):
    """The hosted form; `?embed=1` renders it without page chrome for the iframe snippet."""
    webform = _active_form(key)
    with translation.override(webform.language):
        return _render_page(request, webform, PublicForm(webform))


@csrf_exempt  # anonymous, often framed on another site; the signed per-render token protects
@xframe_options_exempt
@require_http_methods(["POST"])
def public_submit(request, key):
    """Check size, rate, token, honeypot and fill time, then submit; never echo data in a URL."""
    if protection.too_large(request):
        return HttpResponse(_("The submission is too large."), status=413)
    webform = _active_form(key)
    with translation.override(webform.language):
        if protection.rate_limited(protection.client_address(request)):
            return HttpResponse(_("Too many submissions. Please try again later."), status=429)
        form = PublicForm(webform, request.POST)
        token = protection.read_token(request.POST.get("token", ""), webform)
        if token is None:
            return _render_page(
                request,
                webform,
                form,
                status=400,
                error=_("This form has expired. Please check your entries and send it again."),
            )
        if request.POST.get(HONEYPOT):
            return _thanks(request, webform)  # a bot: looks like success, writes nothing
        if protection.too_fast(token):
            return _render_page(
                request,
                webform,
                form,
                status=400,
                error=_("That was very fast. Please check your entries and send the form again."),
            )
        # Past the fill time: the re-shown form may be sent again at once (resent).
        if not form.is_valid():
            return _render_page(request, webform, form, status=400, resent=True)
        try:
            actions.submit_webform(
                webform,
                form.record_values(),
                nonce=token.nonce,
                consent=bool(form.cleaned_data.get("consent")),
            )
        except ValidationError as error:
            _add_errors(form, error)
            return _render_page(request, webform, form, status=400, resent=True)
        return _thanks(request, webform)


def _thanks(request, webform):
    if webform.redirect_url:
        # Exactly the stored address: submitted data never goes into the URL.
        return _policy(HttpResponseRedirect(webform.redirect_url), webform)
    return _policy(
        render(
            request,
            "webforms/public_thanks.html",
            {
                "webform": webform,
                "text": webform.text("thank_you") or _("Thank you!"),
                "embed": request.POST.get("embed") == "1",
            },
        ),
        webform,
    )


def _add_errors(form, error: ValidationError) -> None:
    """The model's errors onto the public form's fields; others above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    model = model_for(form.webform.module)
    for field, errors in error.error_dict.items():
        if form.input_name(field) in form.fields:
            form.add_error(form.input_name(field), errors)
        else:  # a rule on a field the form does not show: name the field
            label = field_label(model, field)
            form.add_error(None, [f"{label}: {m}" for e in errors for m in e.messages])
