"""The static files storage of a deployment (DEBUG off), for operators running collectstatic.

`kontor collectstatic` writes every file under a name with its content's hash
(`css/kontor.3f9a0c1b2d4e.css`), a gzip copy beside it and the manifest `staticfiles.json`
(WhiteNoise's CompressedManifestStaticFilesStorage). Pages then link the hashed names, which
WhiteNoise (or nginx, deploy/nginx/kontor.conf) serves with a far-future Cache-Control.

Until collectstatic has run there is no manifest: tests and benchmarks with DEBUG off, or a
first `runserver`. Django's manifest storage would then fail every page that links a static
file; this one links the plain names instead, which WhiteNoise serves from the apps
(settings.WHITENOISE_USE_FINDERS), and `kontor check --deploy` warns (kontor.core.checks).
"""

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class CompressedManifestStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed names after collectstatic; plain names before it ever ran."""

    def url(self, name, force=False):
        if not self.hashed_files and not force:
            return StaticFilesStorage.url(self, name)
        return super().url(name, force)

    @property
    def collected(self) -> bool:
        """Whether collectstatic wrote a manifest that names at least one file."""
        return bool(self.hashed_files)
