from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("clients/<int:client_id>/", views.client_detail, name="client-detail"),
    path(
        "clients/<int:client_id>/memories/<int:memory_id>/<decision>/",
        views.memory_review,
        name="memory-review",
    ),
    path(
        "clients/<int:client_id>/alerts/<int:alert_id>/acknowledge/",
        views.alert_acknowledge_view,
        name="alert-acknowledge",
    ),
    path(
        "views/<int:memory_id>/publish/",
        views.view_publish_toggle,
        name="view-publish",
    ),
]
