from __future__ import annotations

from django.urls import path

from . import views

A = "sessions/<uuid:session_id>/activities/<uuid:activity_id>"

urlpatterns = [
    path(f"{A}/questions", views.QuestionsView.as_view(), name="question-list"),
    path(f"{A}/questions/<uuid:question_id>", views.QuestionDetailView.as_view(), name="question-detail"),
    path(f"{A}/questions/<uuid:question_id>/upvote", views.UpvoteView.as_view(), name="question-upvote"),
]
