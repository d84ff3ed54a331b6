"""quizzes.text: Markdown rendered and sanitised, each text once per process."""

from django.test import override_settings
from django.urls import clear_script_prefix, set_script_prefix

from quizzes import text


def test_the_same_text_is_rendered_once_and_the_copy_is_the_same_safe_html():
    text._rendered.cache_clear()
    first = text.render_markdown("A **bold** claim <script>alert(1)</script>")
    again = text.render_markdown("A **bold** claim <script>alert(1)</script>")
    assert again is first  # from the cache, not rendered again
    assert first == "<p>A <strong>bold</strong> claim &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert text._rendered.cache_info().hits == 1
    assert text.render_markdown_inline("A **bold** claim") == "A <strong>bold</strong> claim"  # its own entry


@override_settings(ROOT_URLCONF="mmnquiz.urls")
def test_an_images_address_follows_the_url_prefix_the_request_came_under():
    image = "![A nerve](media:" + "a" * 64 + ".png)"
    try:
        set_script_prefix("/quiz/")
        under_prefix = text.render_markdown(image)
    finally:
        clear_script_prefix()
    assert 'src="/quiz/media/' in under_prefix
    assert 'src="/media/' in text.render_markdown(image)
