"""Kontor's own `check --deploy` checks, for operators (deploy/README.md)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
