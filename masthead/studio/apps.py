from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "masthead.studio"
    label = "studio"
