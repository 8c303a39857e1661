from django.urls import path

from tests.testapp import views

app_name = "testapp"

urlpatterns = [
    path("widgets/<str:pk>/", views.widget_detail, name="widget"),
    path("widgets/<str:pk>/atomic/", views.widget_detail_atomic, name="widget-atomic"),
    path("panel/", views.widget_panel, name="panel"),
    path("cases/<uuid:case_id>/widgets/", views.widget_case_panel, name="case-panel"),
    path("api/widgets/<str:pk>/rename/", views.WidgetRename.as_view(), name="widget-rename"),
]
