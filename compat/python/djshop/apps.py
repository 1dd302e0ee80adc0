from django.apps import AppConfig


class DjshopConfig(AppConfig):
    name = "djshop"
    default_auto_field = "django.db.models.BigAutoField"
