"""Writes on the project's own models: the registration desk's accounts."""

from django.contrib.auth.models import Group
from django.db import transaction

from delegations.groups import REGISTRATION_DESK


def desk_account_save(*, account):
    """Save ``account`` as a registration desk login and nothing more.

    Whatever the form or the request carried, the account is never staff nor superuser,
    belongs to the Registration desk group alone and holds no permission of its own: this
    is what lets the secretariat create desk accounts without being able to grant rights.
    """
    with transaction.atomic():
        account.is_staff = False
        account.is_superuser = False
        account.full_clean()
        account.save()
        account.groups.set([Group.objects.get(name=REGISTRATION_DESK)])
        account.user_permissions.clear()
    return account
