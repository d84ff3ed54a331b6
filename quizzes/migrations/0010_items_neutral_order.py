"""Options, choices and responses are stored and hashed in a neutral (alphabetical) order (issue 15, 9).

A version's content hash decides whether a re-loaded or edited question is a new version. The hash now
reads choice lists in the neutral order, so versions saved before would look changed the first time
their bank is loaded again or they are saved unedited, and get a new version with the same content.
Recomputing their hashes here avoids that. Their stored specs are left as they are: a shuffle starts
from the stored order, so attempts under way keep the order they were shown, and a quiz with shuffling
off shows the neutral order whatever is stored.
"""

from django.db import migrations, models

# Only these types' content() changed; the others' hashes are the same as before.
NEUTRAL_TYPES = ("single", "multiple", "cloze", "matching")


def rehash(apps, schema_editor) -> None:
    # The hash as the app computes it now: this migration's point is to bring old rows up to it.
    from quizzes.formats.database import content_hash

    QuestionVersion = apps.get_model("quizzes", "QuestionVersion")
    changed = []
    for version in QuestionVersion.objects.filter(item_type__in=NEUTRAL_TYPES).iterator(chunk_size=500):
        new = content_hash(
            version.item_type,
            version.stem,
            version.explanation,
            version.source_section,
            version.difficulty,
            version.spec,
        )
        if new != version.content_hash:
            version.content_hash = new
            changed.append(version)
    # bulk_update goes round the model's save(), which refuses to change a version: only the hash moves.
    QuestionVersion.objects.bulk_update(changed, ["content_hash"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0009_clean_unstorable_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="quiz",
            name="shuffle_options",
            field=models.BooleanField(
                default=True,
                help_text="Off: options come in alphabetical order, never the order written (which may point "
                "at the key); ordering steps are still shuffled.",
            ),
        ),
        migrations.RunPython(rehash, migrations.RunPython.noop),
    ]
