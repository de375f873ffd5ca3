from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination-detail"),
]
