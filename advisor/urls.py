from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("clients/<int:client_id>/", views.client_detail, name="client-detail"),
]
