"""Activities, responses and the Session admin, one module per concern.

* activity.py: the Activity admin (per-type config forms, the results page).
* forms.py: the activity forms, built per type from the type's config form.
* lifecycle.py: publish, activate, reveal, reset and expire, generated from one table.
* rendering.py: results dicts as HTML tables (no knowledge of the type).
* response.py: responses, read-only.
* series.py: the Series admin (its tracked questions as SVG charts: charts.py; a CSV export).
* session.py: the Session admin, registered once, with the activity inline and the actions that
  need activities; exports.py (CSV/JSON downloads) and kicks.py (the overview's kick form).
"""

from __future__ import annotations

# Importing the modules registers their ModelAdmins (Django's autodiscover imports this package).
from . import activity, response, series, session  # noqa: F401
