from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group, User
from django.db.models import Exists, OuterRef
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from delegations.groups import REGISTRATION_DESK

from . import services
from .models import DeskAccount


def desk_accounts(queryset):
    """Only the users that are desk accounts and nothing else: in the Registration desk
    group and no other, neither staff nor superuser, no permission of their own. Any other
    user (a Secretariat member, a superuser, the secretariat's own account) is out of reach:
    resetting its password would hand over its rights."""
    other_group = User.groups.through.objects.filter(user=OuterRef("pk")).exclude(
        group__name=REGISTRATION_DESK
    )
    own_permission = User.user_permissions.through.objects.filter(user=OuterRef("pk"))
    return queryset.filter(
        Exists(Group.objects.filter(user=OuterRef("pk"), name=REGISTRATION_DESK)),
        is_staff=False,
        is_superuser=False,
    ).exclude(Exists(other_group) | Exists(own_permission))


@admin.register(DeskAccount)
class DeskAccountAdmin(UserAdmin):
    """The secretariat adds registration desk logins, deactivates them and resets their
    password. The forms have no field for groups, staff or superuser status or
    permissions, and ``desk_account_save`` sets them whatever was posted. The full user
    admin stays the superuser's."""

    add_form = UserCreationForm
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Name and e-mail"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active"]
    filter_horizontal = []
    actions = ["deactivate"]

    def get_urls(self):
        # UserAdmin names its password page "auth_user_password_change" whatever the model;
        # ours gets its own name so that it never stands for the full user admin's.
        return [
            path(
                "<id>/password/",
                self.admin_site.admin_view(self.user_change_password),
                name=f"{self.opts.app_label}_{self.opts.model_name}_password_change",
            ),
            *admin.ModelAdmin.get_urls(self),
        ]

    def get_queryset(self, request):
        return desk_accounts(super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        services.desk_account_save(account=obj)

    @admin.action(description=_("Deactivate the selected desk accounts"), permissions=["change"])
    def deactivate(self, request, queryset):
        # An inactive user is logged out on its next request (ModelBackend.get_user); the
        # account stays, so its name stays on the attendance it recorded.
        done = 0
        for account in queryset.filter(is_active=True):
            account.is_active = False
            account.save(update_fields=["is_active"])
            self.log_change(request, account, [{"changed": {"fields": ["is_active"]}}])
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d desk account deactivated.", "%(count)d desk accounts deactivated.", done
            )
            % {"count": done},
            messages.SUCCESS,
        )
