from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People, roles, invitations, API tokens and the one permission policy."""

    name = "accounts"
    verbose_name = "Accounts"
