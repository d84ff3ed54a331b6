"""The bank's Images page: its educator adds images (each bad file refused with a clear message, nothing
written), sees them with the line to paste into a question; learners get 403, other educators 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes import media
from quizzes.models import BankMedia
from tests.conftest import make_owned_bank, make_user
from tests.media.images import SVG, bomb, png

pytestmark = pytest.mark.django_db


def add(client, bank, data: bytes, alt: str = "", name: str = "figure.png"):
    return client.post(
        reverse("quizzes:bank-media", args=[bank.slug]),
        {"image": SimpleUploadedFile(name, data), "alt": alt},
    )


def test_the_page_lists_the_banks_images_with_the_line_to_paste(educator_client, educator_bank):
    response = educator_client.get(reverse("quizzes:bank-media", args=[educator_bank.slug]))
    assert response.status_code == 200 and "0 images" in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_adding_an_image_stores_it_and_shows_its_line(educator_client, educator_bank):
    response = add(educator_client, educator_bank, png(), alt="A red square")
    assert response.status_code == 302
    image = BankMedia.objects.get(bank=educator_bank)
    assert (image.alt, image.width, image.height, image.content_type) == ("A red square", 4, 3, "image/png")
    page = educator_client.get(response.url).content.decode()
    line = f"![A red square](media:{image.name})"
    assert page.count(line) == 2  # in the message and in the table
    assert f'src="{reverse("quizzes:media-file", args=[image.name])}"' in page


@pytest.mark.parametrize(("data", "message"), [
    (b"GIF87a but not really", "The file is not an image that can be read"),
    (SVG, "SVG images are not accepted (they can carry scripts)"),
    (bomb(), "a decompression bomb"),
    (b"\x89PNG" + b"0" * (2 * 1024 * 1024), "the limit is 2,097,152 bytes (2 MB)."),
])  # fmt: skip
def test_each_bad_upload_is_refused_with_a_clear_message_and_nothing_written(
    educator_client, educator_bank, data, message
):
    response = add(educator_client, educator_bank, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BankMedia.objects.exists()


def test_no_file_is_a_form_error_not_a_500(educator_client, educator_bank):
    response = educator_client.post(reverse("quizzes:bank-media", args=[educator_bank.slug]), {"alt": "x"})
    assert response.status_code == 200 and "This field is required." in response.content.decode()


def test_a_learner_gets_403_and_another_educator_404(client, learner, educator_bank):
    url = reverse("quizzes:bank-media", args=[educator_bank.slug])
    client.force_login(learner)
    assert client.get(url).status_code == 403
    client.force_login(make_user("edith", "Educator"))
    assert client.get(url).status_code == 404
    assert add(client, educator_bank, png()).status_code == 404
    assert not BankMedia.objects.exists()


def test_an_image_of_another_bank_is_not_listed(educator_client, educator, educator_bank):
    other = make_owned_bank(educator, slug="other")
    educator_client.get(add(educator_client, other, png("green")).url)  # its message is shown there
    page = educator_client.get(reverse("quizzes:bank-media", args=[educator_bank.slug])).content.decode()
    assert media.inspect(png("green")).name not in page


# -- the question editor -----------------------------------------------------------------------------------


def test_an_edit_showing_one_of_the_banks_images_saves_and_previews_it(educator_client, educator_bank):
    from quizzes.authoring.media import store
    from tests.authoring.test_authoring_views import edit_post

    image = store(educator_bank, png(), alt="A red square")
    question = educator_bank.questions.select_related("current_version", "topic").get(key="q-004")
    stem = f"Which? ![A red square, 4 by 3](media:{image.name})"
    url = reverse("quizzes:question-edit", args=[question.pk])
    assert educator_client.post(url, edit_post(question, stem=stem)).status_code == 302
    question.refresh_from_db()
    assert question.current_version.stem == stem and question.current_version.number == 2
    assert question.versions.get(number=1).stem != stem  # the old version is untouched
    page = educator_client.get(url).content.decode()
    assert f'<img src="{reverse("quizzes:media-file", args=[image.name])}" alt="A red square, 4 by 3"' in page


def test_an_image_not_of_this_bank_is_a_form_error(educator_client, educator, educator_bank):
    from quizzes.authoring.media import store
    from tests.authoring.test_authoring_views import edit_post

    elsewhere = store(make_owned_bank(educator, slug="other"), png("green"))
    question = educator_bank.questions.select_related("current_version", "topic").get(key="q-004")
    stem = f"Which? ![x](media:{elsewhere.name})"
    response = educator_client.post(
        reverse("quizzes:question-edit", args=[question.pk]), edit_post(question, stem=stem)
    )
    assert response.status_code == 200
    assert f"The image {elsewhere.name} is not among this bank&#x27;s images" in response.content.decode()
    question.refresh_from_db()
    assert question.current_version.number == 1


def test_the_page_makes_as_many_queries_with_three_images_as_with_one(educator_client, educator_bank):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quizzes.authoring.media import store

    url = reverse("quizzes:bank-media", args=[educator_bank.slug])
    store(educator_bank, png("red"))
    educator_client.get(url)
    with CaptureQueriesContext(connection) as one:
        educator_client.get(url)
    store(educator_bank, png("blue"))
    store(educator_bank, png("green"))
    with CaptureQueriesContext(connection) as three:
        assert educator_client.get(url).content.decode().count('class="media-reference"') == 3
    # the session, the user, their groups (educator?), the bank, its images, the messages' session write
    assert len(three) == len(one) <= 6
