from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "advisor.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
