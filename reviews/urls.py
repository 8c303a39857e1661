from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.review_list, name="list"),
    path("reviews/refer/", views.refer, name="refer"),
    path("reviews/tracker/", views.tracker, name="tracker"),
    path("reviews/our-actions/", views.our_actions, name="our-actions"),
    path("reviews/learning/", views.learning, name="learning"),
    path("reviews/sab-work/", views.sab_work_panel, name="sab-work"),
    path("reviews/for-case/<uuid:case_id>/", views.case_panel, name="case-panel"),
    path("reviews/<uuid:pk>/", views.detail, name="detail"),
    path("reviews/<uuid:pk>/transition/", views.transition, name="transition"),
    path("reviews/<uuid:pk>/decision/", views.decide, name="decide"),
    path("reviews/<uuid:pk>/details/", views.edit, name="edit"),
    path("reviews/<uuid:pk>/recommendations/", views.recommendation_add, name="recommendation-add"),
    path("reviews/recommendations/<uuid:pk>/actions/new/", views.item_add, name="item-add"),
    path("reviews/chronologies/<uuid:pk>/", views.chronology, name="chronology"),
    path("reviews/actions/<uuid:pk>/", views.item, name="action"),
    path("reviews/actions/<uuid:pk>/update/", views.item_update, name="action-update"),
    path("reviews/actions/<uuid:pk>/evidence/", views.item_evidence, name="action-evidence"),
    path("reviews/actions/<uuid:pk>/verify/", views.item_verify, name="action-verify"),
    path("reviews/actions/<uuid:pk>/return/", views.item_return, name="action-return"),
    path("reviews/actions/<uuid:pk>/theme/", views.item_theme, name="action-theme"),
    path("reviews/actions/<uuid:pk>/cancel/", views.item_cancel, name="action-cancel"),
]
