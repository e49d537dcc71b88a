"""Data steps of the migrations that made the meeting's words translatable.

Kept out of the migration files so that a test can run them on a few rows. Each takes
the migration's ``apps`` (frozen models: no modeltranslation descriptors, so ``name`` is
the original column and ``name_en`` the new one).
"""

from django.db.models import F, Q


def fill_english(apps, app_label, fields_by_model):
    """Copy each translated field's original column into its new English column, where
    that one is still empty, for the models and their historical tables:
    ``{"meeting": ["title", …]}``. The other languages are left as they are."""
    for model_name, fields in fields_by_model.items():
        for name in (model_name, f"historical{model_name}"):
            model = apps.get_model(app_label, name)
            for field in fields:
                english = f"{field}_en"
                empty = Q(**{f"{english}__isnull": True}) | Q(**{english: ""})
                model.objects.filter(empty).update(**{english: F(field)})


def blank_names_to_null(apps, app_label, model_names, languages):
    """Store an empty translated name as NULL: names are unique in each language, and
    the organizations without a French name must not all share the French name ""."""
    for model_name in model_names:
        for name in (model_name, f"historical{model_name}"):
            model = apps.get_model(app_label, name)
            for language in languages:
                column = f"name_{language}"
                model.objects.filter(**{f"{column}__regex": r"^\s*$"}).update(**{column: None})


def null_names_to_blank(apps, app_label, model_names, languages):
    """The way back: the hand-made name columns were NOT NULL, empty as ""."""
    for model_name in model_names:
        for name in (model_name, f"historical{model_name}"):
            model = apps.get_model(app_label, name)
            for language in languages:
                column = f"name_{language}"
                model.objects.filter(**{f"{column}__isnull": True}).update(**{column: ""})
