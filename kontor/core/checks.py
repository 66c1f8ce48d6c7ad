"""Kontor's own `check --deploy` checks, for operators (deploy/README.md)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs, **kwargs):
    """With DEBUG off, pages should link hashed, compressed files: collectstatic must have run."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    if settings.DEBUG or getattr(staticfiles_storage, "collected", True):
        return []
    return [
        Warning(
            f"No static files manifest in STATIC_ROOT ({settings.STATIC_ROOT}): pages link "
            "plain names that browsers cannot cache for long.",
            hint="Run `kontor collectstatic --noinput` after every install or upgrade.",
            id="kontor.W001",
        )
    ]


#: The mark of the values an operator must replace in deploy/kontor.env.example.
PLACEHOLDER = "CHANGE-ME"


@register(Tags.security, deploy=True)
def no_placeholders_left(app_configs, **kwargs):
    """The example environment file's placeholders must not reach production."""
    values = {
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": settings.DATABASES["default"].get("PASSWORD") or "",
        "EMAIL_HOST_PASSWORD": getattr(settings, "EMAIL_HOST_PASSWORD", ""),
    }
    return [
        Error(
            f"{name} still has the placeholder of deploy/kontor.env.example.",
            hint="Put the real value into /etc/kontor/kontor.env.",
            id="kontor.E001",
        )
        for name, value in values.items()
        if PLACEHOLDER in str(value)
    ]
