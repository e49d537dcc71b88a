import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from delegations.groups import SECRETARIAT


class Command(BaseCommand):
    help = (
        "Create a local superuser with a random password when there is none, and say how "
        "to get into the admin. The password is printed once and never stored in the repo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, url, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                f"Admin: {url} — sign in with your existing superuser account "
                "(forgotten password: .venv/bin/python manage.py changepassword <username>)."
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=username, email="", password=password)
        user.groups.add(Group.objects.get(name=SECRETARIAT))
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: {url}\n  username: {username}\n  password: {password}\n"
                "  (generated for this database and shown only now; change it in the admin)"
            )
        )
