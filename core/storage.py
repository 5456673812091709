"""The static files storage of the Docker image: whitenoise's compressed, hashed files, with the
ES module imports rewritten to the hashed names too.

nginx serves /static/ for 30 days as immutable. Without the rewrite, a hashed ``join.<hash>.js``
would still ``import "./common.js"`` by its plain name, and after a deploy a browser could pair the
new page code with an old cached ``common.js`` (the same for a type's ``phone.js`` → ``results.js``).
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class CajaStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
