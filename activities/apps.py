from __future__ import annotations

from typing import Any

from django.apps import AppConfig

from participants.signals import participants_purging
from sessions_app.signals import session_completed, session_series_changing


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"

    def ready(self) -> None:
        # Here, not at import time: services import models, which need the app registry.
        from .services import activities_expire_live
        from .services.summaries import series_join_check, summaries_mark_stale
        from .types.qna.services import upvotes_withdraw

        def expire_live(sender: Any, *, session: Any, now: Any, **kwargs: Any) -> None:
            activities_expire_live(session=session, now=now)

        session_completed.connect(expire_live, dispatch_uid="activities_expire_live", weak=False)

        def withdraw_upvotes(sender: Any, *, participant_ids: list[Any], **kwargs: Any) -> None:
            upvotes_withdraw(participant_ids=participant_ids)

        participants_purging.connect(withdraw_upvotes, dispatch_uid="activities_withdraw_upvotes", weak=False)

        # A media row goes by itself (media_delete) or with its session (delete, purge: the
        # cascade sends post_delete per row): its file goes once the deletion is committed, unless
        # another row shares it (names are content-addressed).
        from django.db import transaction
        from django.db.models.signals import post_delete

        from .images import files_delete_unreferenced
        from .models import Media

        def media_file_delete(sender: Any, *, instance: Media, **kwargs: Any) -> None:
            name = instance.name
            transaction.on_commit(lambda: files_delete_unreferenced([name]))

        post_delete.connect(media_file_delete, sender=Media, dispatch_uid="activities_media_file", weak=False)

        def check_series(sender: Any, *, session: Any, series: Any, **kwargs: Any) -> None:
            series_join_check(session=session, series=series)

        session_series_changing.connect(check_series, dispatch_uid="activities_series_join_check", weak=False)

        def mark_stale(sender: Any, *, participant_ids: list[Any], **kwargs: Any) -> None:
            summaries_mark_stale(participant_ids=participant_ids)

        participants_purging.connect(mark_stale, dispatch_uid="activities_summaries_stale", weak=False)
