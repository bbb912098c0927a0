from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("clients/", views.ClientListApi.as_view(), name="client-list"),
    path(
        "clients/<int:client_id>/",
        views.ClientDetailApi.as_view(),
        name="client-detail",
    ),
]
