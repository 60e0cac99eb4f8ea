import pytest

pytestmark = pytest.mark.django_db


def test_catalogue_lists_live_courses_at_catalogue_url(client, course, other_course):
    response = client.get("/catalogue/")
    assert response.status_code == 200
    assert "Civilian Control" in response.text
    assert "Export Controls" in response.text


def _count(response):
    return response.context["result_count"]


def test_catalogue_filters_by_theme_level_and_language(client, course, other_course, theme):
    assert _count(client.get("/catalogue/", {"theme": theme.slug})) == 1
    assert _count(client.get("/catalogue/", {"level": "advanced"})) == 1
    by_level = client.get("/catalogue/", {"level": "advanced"})
    assert "Export Controls" in by_level.text
    assert "Civilian Control" not in by_level.text
    assert _count(client.get("/catalogue/", {"language": "fr"})) == 0
    assert _count(client.get("/catalogue/", {"language": "en", "level": "foundation", "theme": theme.slug})) == 1


def test_catalogue_search_finds_course_text(client, catalogue):
    from courses.factories import CoursePageFactory

    CoursePageFactory(parent=catalogue, title="Oversight", summary="Parliamentary committees scrutinise budgets.")
    CoursePageFactory(parent=catalogue, title="Exercises", summary="Joint exercises build interoperability.")
    response = client.get("/catalogue/", {"q": "parliamentary budgets"})
    assert _count(response) == 1
    assert "Oversight" in response.text
    assert _count(client.get("/catalogue/", {"q": "interoperability"})) == 1
    assert _count(client.get("/catalogue/", {"q": "submarine"})) == 0


@pytest.mark.parametrize(
    "params",
    [
        {"level": "expert"},
        {"theme": "no-such-theme"},
        {"page": "abc"},
        {"page": "-4"},
        {"language": "xx"},
        {"q": "x" * 500},
        {"q": "'; DROP TABLE --"},
        {"q": "\x00"},
    ],
)
def test_catalogue_malformed_parameters_show_the_catalogue_with_a_message(client, course, params):
    response = client.get("/catalogue/", params)
    assert response.status_code == 200
    assert "Course catalogue" in response.text
    if "q" not in params or len(params["q"]) > 200:
        assert "not understood" in response.text


def test_catalogue_page_number_past_the_end_shows_the_last_page(client, course):
    response = client.get("/catalogue/", {"page": "999"})
    assert response.status_code == 200
    assert "Civilian Control" in response.text


def test_catalogue_hides_draft_courses(client, catalogue):
    from courses.factories import CoursePageFactory

    CoursePageFactory(parent=catalogue, title="Unpublished draft", publish=False)
    assert "Unpublished draft" not in client.get("/catalogue/").text


def test_course_page_lives_below_the_catalogue_and_shows_the_outline_in_order(client, course, modules):
    assert course.url == "/catalogue/civilian-control/"
    response = client.get("/catalogue/civilian-control/")
    assert response.status_code == 200
    text = response.text
    assert text.index("Part 1") < text.index("Part 2") < text.index("Part 3")
    assert modules[0].url == "/catalogue/civilian-control/part-1/"


def test_course_page_names_its_prerequisites(client, catalogue, course):
    from courses.factories import CoursePageFactory

    CoursePageFactory(parent=catalogue, title="Reform", slug="reform", prerequisites=[course])
    response = client.get("/catalogue/reform/")
    assert "Before this course" in response.text
    assert 'href="/catalogue/civilian-control/"' in response.text


def test_module_page_links_to_previous_and_next_modules(client, modules):
    first, second, third = (client.get(m.url) for m in modules)
    assert first.context["nav"].previous_module is None
    assert first.context["nav"].next_module.pk == modules[1].pk
    assert second.context["nav"].previous_module.pk == modules[0].pk
    assert second.context["nav"].next_module.pk == modules[2].pk
    assert third.context["nav"].next_module is None
    assert f'rel="next" href="{modules[2].url}"' in second.text
    assert f'rel="prev" href="{modules[0].url}"' in second.text
    assert "Back to the course" in third.text
    assert "Module 2 of 3" in second.text


def test_module_body_renders_every_block_type(student_client, enrolment, course):
    from courses.factories import ModulePageFactory

    body = [
        {"type": "heading", "value": {"text": "Oversight bodies", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Parliament approves the budget.</p>"},
        {"type": "callout", "value": {"kind": "important", "title": "Remember", "text": "<p>Control is shared.</p>"}},
        {
            "type": "key_terms",
            "value": {"title": "", "terms": [{"term": "SSR", "definition": "Security sector reform."}]},
        },
        {
            "type": "case_study",
            "value": {"title": "Country A", "body": "<p>A new ministry.</p>", "questions": ["Why?"]},
        },
    ]
    module = ModulePageFactory(parent=course, body=body)
    text = student_client.get(module.url).text
    for expected in ("Oversight bodies", "Parliament approves", "Remember", "<dt>SSR</dt>", "Country A", "Why?"):
        assert expected in text


def test_unknown_page_gets_the_styled_404(client, course):
    response = client.get("/catalogue/no-such-course/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text


def test_arabic_pages_are_right_to_left(client, course):
    client.cookies["lms_language"] = "ar"
    response = client.get("/catalogue/")
    assert '<html lang="ar" dir="rtl">' in response.text


def test_language_switch_sets_the_cookie_and_returns_to_the_page(client, course):
    response = client.post("/i18n/language/", {"language": "fr", "next": "/catalogue/"})
    assert response.status_code == 302
    assert response["Location"] == "/catalogue/"
    assert response.cookies["lms_language"].value == "fr"
    assert '<html lang="fr" dir="ltr">' in client.get("/catalogue/").text


def test_language_switch_never_redirects_off_site(client):
    response = client.post("/i18n/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "lms_language" not in response.cookies
