"""Using the results (DOMAIN §7): salary raises within budget, the talent grid, alignment."""

from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = "การนำผลไปใช้"
