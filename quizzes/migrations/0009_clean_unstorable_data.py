"""Data saved before quizzes.validators existed: text may hold control characters that the site's XML
backups cannot hold (they were never visible: removed), and a quiz may open or close in a year Python
cannot read, which took pages down (cleared: "year 9999" meant "never", and "year 1" meant "always").
"""

import re
from datetime import UTC, datetime

from django.db import migrations
from django.db.models import Q

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FIELDS = {
    "Bank": ["title", "description", "source"],
    "Topic": ["title"],
    "Quiz": ["title", "description"],
    "Classroom": ["name"],
    # Versions are immutable to the app; an invisible character is not content worth a new version.
    "QuestionVersion": ["stem", "explanation", "source_section"],
}


def strip_control_characters(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("quizzes", model_name)
        for row in model.objects.only("pk", *fields).iterator():
            changed = [f for f in fields if CONTROL.search(getattr(row, f) or "")]
            for name in changed:
                setattr(row, name, CONTROL.sub("", getattr(row, name)))
            if changed:
                model.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in changed})


TIMES = {"Quiz": ["opens_at", "closes_at"], "Assignment": ["due_at"]}


def clear_out_of_range_times(apps, schema_editor):
    earliest, latest = datetime(1900, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)
    for model_name, fields in TIMES.items():
        model = apps.get_model("quizzes", model_name)
        for name in fields:
            # Filtered and updated in SQL: such a row cannot even be read into Python.
            out_of_range = Q(**{f"{name}__gte": latest}) | Q(**{f"{name}__lt": earliest})
            model.objects.filter(out_of_range).update(**{name: None})


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0008_plain_text_and_quiz_archive")]
    operations = [
        migrations.RunPython(strip_control_characters, migrations.RunPython.noop),
        migrations.RunPython(clear_out_of_range_times, migrations.RunPython.noop),
    ]
