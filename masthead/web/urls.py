"""Every dynamic address: the studio and the newsletter's reader pages."""

from django.urls import include, path

urlpatterns = [
    path("", include("masthead.studio.urls")),
    path("", include("masthead.newsletter.urls")),
    path("", include("masthead.members.urls")),
]
