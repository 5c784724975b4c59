from django.apps import AppConfig


class FranceConnectConfig(AppConfig):
    name = "portal.franceconnect"
    label = "franceconnect"
    verbose_name = "FranceConnect"

    def ready(self):
        from portal.franceconnect import signals  # noqa: F401
