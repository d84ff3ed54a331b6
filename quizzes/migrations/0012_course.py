"""Running a course (issue 19): who may take a quiz, accommodations per learner, a profile (time zone).

Quizzes made from now on are for the classes they are assigned to. Quizzes that exist already keep
being open to everyone (no learner loses a quiz they could take), except those assigned to a class:
an educator who assigned a quiz meant it for that class, and it no longer fills everyone else's list.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import quizzes.validators
from django.conf import settings
from django.db import migrations, models


def scope_assigned_quizzes(apps, schema_editor) -> None:
    Quiz = apps.get_model("quizzes", "Quiz")
    Quiz.objects.all().update(audience="everyone")
    Quiz.objects.filter(assignments__isnull=False).update(audience="classes")


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0011_sources'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='attempt',
            name='time_limit',
            field=models.DurationField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='quiz',
            name='audience',
            field=models.CharField(choices=[('everyone', 'Everyone signed in'), ('classes', 'Members of the classes it is assigned to')], default='classes', max_length=10),
        ),
        migrations.CreateModel(
            name='Override',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('extra_time_percent', models.PositiveSmallIntegerField(default=0, help_text='50 gives one and a half times the limit.', validators=[django.core.validators.MaxValueValidator(400)])),
                ('extra_minutes', models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(600)])),
                ('extra_attempts', models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(100)])),
                ('closes_at', models.DateTimeField(blank=True, help_text="Empty: the quiz's own close time.", null=True, validators=[quizzes.validators.validate_moment])),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='overrides', to='quizzes.assignment')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='overrides', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['assignment', 'user__username', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('assignment', 'user'), name='override_unique_per_learner')],
            },
        ),
        migrations.CreateModel(
            name='Profile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('time_zone', models.CharField(blank=True, help_text="An IANA name such as Europe/London; empty: the browser's.", max_length=64)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='profile', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.RunPython(scope_assigned_quizzes, migrations.RunPython.noop),
    ]
