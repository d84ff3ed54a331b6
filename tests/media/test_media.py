"""Question images: what is accepted, how question text shows them, and who may fetch them."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from quizzes import media
from quizzes.authoring.media import store
from quizzes.models import BankMedia, Quiz
from quizzes.text import render_markdown, render_markdown_inline
from tests.conftest import make_user
from tests.media.images import SVG, bomb, image, png

# -- the bytes ---------------------------------------------------------------------------------------------


def test_a_png_is_named_by_the_hash_of_its_bytes_and_measured():
    info = media.inspect(png(size=(7, 5)))
    assert media.NAME.fullmatch(info.name) and info.name.endswith(".png")
    assert (info.content_type, info.width, info.height) == ("image/png", 7, 5)
    assert media.inspect(png(size=(7, 5))).name == info.name


@pytest.mark.parametrize(("kind", "ext", "content_type"), [
    ("JPEG", "jpg", "image/jpeg"), ("GIF", "gif", "image/gif"), ("WEBP", "webp", "image/webp"),
])  # fmt: skip
def test_jpeg_gif_and_webp_are_accepted(kind, ext, content_type):
    info = media.inspect(image(kind))
    assert info.name.endswith("." + ext) and info.content_type == content_type


@pytest.mark.parametrize(("data", "message"), [
    (b"This is a text file, not a picture.", "not an image that can be read"),
    (png()[:40], "not an image that can be read"),  # cut short
    (b"", "empty"),
    (b"\x89PNG" + b"x" * (2 * 1024 * 1024), "the limit is 2,097,152 bytes"),
    (bomb(), "decompression bomb"),
    (bomb(6_000, 6_000), "the limit is 25,000,000 pixels"),
    (SVG, "SVG images are not accepted"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "SVG images are not accepted"),
    (image("BMP"), "BMP images are not accepted"),
])  # fmt: skip
def test_each_bad_file_is_refused_with_its_reason(data, message):
    with pytest.raises(media.MediaError, match=message):
        media.inspect(data)


def test_a_reference_round_trips_its_alt_text():
    name = media.inspect(png()).name
    text = "See " + media.reference(name, "A [red] square \\ here") + " then answer."
    assert media.references(text) == [("A [red] square \\ here", name)]


# -- rendering ---------------------------------------------------------------------------------------------


def test_an_own_image_renders_with_its_alt_text_and_our_url():
    name = media.inspect(png()).name
    html = render_markdown(f"Look: ![An ECG strip <b>&</b>](media:{name})")
    url = reverse("quizzes:media-file", args=[name])
    assert f'<img src="{url}" alt="An ECG strip &lt;b&gt;&amp;&lt;/b&gt;"' in html
    assert f'src="{url}"' in render_markdown_inline(f"![x](media:{name})")


@pytest.mark.parametrize("src", [
    "https://example.com/x.png", "data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)",
    "media:../../etc/passwd", "media:abc.svg", "/media/" + "a" * 64 + ".png",
])  # fmt: skip
def test_any_other_image_is_only_its_alt_text(src):
    html = render_markdown(f"Look: ![the alt]({src}) here")
    assert "<img" not in html and "the alt" in html


def test_raw_img_html_is_never_let_through():
    # Raw HTML is off in Markdown, and nh3 drops an <img> that does not point at our media view.
    assert "<img" not in render_markdown('<img src="https://evil.example/x.png" onerror="alert(1)">')


# -- storing -----------------------------------------------------------------------------------------------


def test_storing_the_same_bytes_twice_keeps_one_file_and_one_row(educator_bank):
    first = store(educator_bank, png(), alt="A red square")
    again = store(educator_bank, png(), alt="ignored")
    assert first.pk == again.pk and again.alt == "A red square"
    assert default_storage.exists(media.storage_name(first.name))
    assert BankMedia.objects.count() == 1


def test_two_banks_share_one_file(educator, educator_bank):
    from tests.conftest import make_owned_bank

    other = make_owned_bank(educator, slug="other")
    assert store(educator_bank, png()).name == store(other, png()).name
    assert BankMedia.objects.count() == 2


def test_storing_a_bad_file_writes_nothing(educator_bank):
    with pytest.raises(media.MediaError):
        store(educator_bank, SVG)
    assert not BankMedia.objects.exists()


# -- serving -----------------------------------------------------------------------------------------------


@pytest.fixture
def stored(bank):
    return store(bank, png(), alt="A red square")


def test_a_learner_who_may_take_the_banks_quiz_gets_the_image_with_safe_headers(learner_client, stored):
    response = learner_client.get(reverse("quizzes:media-file", args=[stored.name]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response["Content-Disposition"].startswith("inline;")


def test_a_browser_that_has_it_gets_304(learner_client, stored):
    url = reverse("quizzes:media-file", args=[stored.name])
    etag = learner_client.get(url)["ETag"]
    assert learner_client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_anonymous_visitors_get_404(client, stored):
    assert client.get(reverse("quizzes:media-file", args=[stored.name])).status_code == 404


def test_nobody_learns_whether_an_unknown_name_exists(learner_client, stored):
    assert learner_client.get(reverse("quizzes:media-file", args=["f" * 64 + ".png"])).status_code == 404
    assert learner_client.get(reverse("quizzes:media-file", args=["nothing.svg"])).status_code == 404


def test_a_posted_request_is_refused(learner_client, stored):
    assert learner_client.post(reverse("quizzes:media-file", args=[stored.name])).status_code == 405


@pytest.fixture
def class_only(educator):
    from tests.conftest import make_owned_bank

    bank = make_owned_bank(educator, slug="private")
    bank.quizzes.update(audience=Quiz.Audience.CLASSES)
    return store(bank, png("green"), alt="A green square")


def test_a_learner_outside_the_class_gets_404_and_its_educator_200(client, learner, educator, class_only):
    url = reverse("quizzes:media-file", args=[class_only.name])
    client.force_login(learner)
    assert client.get(url).status_code == 404
    client.force_login(educator)
    assert client.get(url).status_code == 200
    client.force_login(make_user("edith", "Educator"))
    assert client.get(url).status_code == 404


def test_a_class_member_gets_it(client, learner, educator, class_only):
    from tests.conftest import make_classroom

    make_classroom(educator, [learner], list(class_only.bank.quizzes.all()))
    client.force_login(learner)
    assert client.get(reverse("quizzes:media-file", args=[class_only.name])).status_code == 200


def test_an_unpublished_bank_is_404_to_learners(learner_client, stored):
    stored.bank.is_published = False
    stored.bank.save()
    assert learner_client.get(reverse("quizzes:media-file", args=[stored.name])).status_code == 404


def test_a_file_lost_from_storage_is_a_404_not_a_500(learner_client, stored):
    default_storage.delete(media.storage_name(stored.name))
    assert learner_client.get(reverse("quizzes:media-file", args=[stored.name])).status_code == 404


def test_a_guest_seated_in_a_live_session_of_the_bank_gets_it(client, educator, class_only):
    from quizzes.live import sessions

    url = reverse("quizzes:media-file", args=[class_only.name])
    assert client.get(url).status_code == 404
    live = sessions.start_session(educator, class_only.bank.quizzes.first(), allow_guests=True)
    seat = sessions.join_as_guest(live, "Night owl")
    browser = client.session
    browser["live_seats"] = {str(live.code): seat.pk}
    browser.save()
    assert client.get(url).status_code == 200


def test_serving_an_image_is_one_query(learner_client, stored, django_assert_num_queries):
    url = reverse("quizzes:media-file", args=[stored.name])
    learner_client.get(url)  # the session and user are loaded on the first request
    with django_assert_num_queries(1):  # the image with the access test (session and user: from the cache)
        assert learner_client.get(url).status_code == 200


def test_a_cloze_passage_shows_its_images_and_escapes_the_rest():
    from quizzes.text import render_images

    name = media.inspect(png()).name
    html = render_images(f"<b>Strip</b> ![An ECG \\[II\\]](media:{name}) then ![x](https://e.org/x.png)")
    url = reverse("quizzes:media-file", args=[name])
    assert html == (
        f'&lt;b&gt;Strip&lt;/b&gt; <img src="{url}" alt="An ECG [II]" class="question-image" loading="lazy">'
        " then ![x](https://e.org/x.png)"
    )
