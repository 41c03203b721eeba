from django.apps import AppConfig


class SportelloConfig(AppConfig):
    name = "sportello"
    verbose_name = "Sportello"
