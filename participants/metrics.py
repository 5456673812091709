"""Prometheus gauges of sessions and participants, read from the database at scrape time (so every
worker and host agree). Registered with core.metrics by ParticipantsConfig.ready()."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from sessions_app.models import Session, SessionStatus
from sessions_app.selectors import RECENTLY_SEEN_SECONDS

from .models import Participant

logger = logging.getLogger("core.metrics")


class DatabaseCollector(Collector):
    """``caja_active_sessions``, ``caja_participants_joined``, ``caja_participants_recently_seen``
    and ``caja_metrics_database_up``: three COUNT queries per scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("caja_metrics_database_up", "1 if the scrape-time database gauges were read.")
        try:
            active = Session.objects.filter(status=SessionStatus.ACTIVE).count()
            joined_qs = Participant.objects.filter(
                session__status=SessionStatus.ACTIVE, kicked_at__isnull=True
            )
            joined = joined_qs.count()
            since = timezone.now() - timedelta(seconds=RECENTLY_SEEN_SECONDS)
            seen = joined_qs.filter(last_activity__gte=since).count()
        except Exception:
            logger.warning("metrics: database gauges unavailable", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("caja_active_sessions", "Sessions currently active.", value=active)
        yield GaugeMetricFamily(
            "caja_participants_joined", "Participants (not kicked) of active sessions.", value=joined
        )
        yield GaugeMetricFamily(
            "caja_participants_recently_seen",
            f"Participants of active sessions seen in the last {RECENTLY_SEEN_SECONDS} s.",
            value=seen,
        )
