"""Help panels and the user manual: every main page carries its panel, every topic has its
text, the manual renders with its pictures and links and refuses anonymous visitors."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from common.help import MANUAL_DIR, MANUAL_PAGES, TOPICS, manual_html
from tests.e2e.test_journeys import scored_form
from tests.kpi.conftest import make_kpi

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_every_topic_has_its_text_and_a_manual_page():
    for topic, page in TOPICS.items():
        get_template(f"help/{topic}.html")
        assert page in MANUAL_PAGES, topic


def test_every_help_template_is_a_topic():
    folder = Path(settings.BASE_DIR) / "templates" / "help"
    texts = {p.stem for p in folder.glob("*.html") if not p.stem.startswith("_")} - {"manual"}
    assert texts == set(TOPICS)


def test_an_unknown_topic_fails_loudly():
    from django.template import Context, Template

    with pytest.raises(KeyError):
        Template('{% help_panel "no_such_topic" %}').render(Context({}))


def panels(response) -> list[str]:
    import re

    return re.findall(r'data-help-panel="([a-z_]+)"', response.content.decode())


def test_each_main_page_shows_its_help_panel(org):
    rnd, form = scored_form(org)
    kpi = make_kpi(org.div1, code="1")
    pages = [
        ("s1", reverse("home"), "home"),
        ("s1", reverse("appraisal:my"), "my"),
        ("s1", reverse("appraisal:form", args=[form.pk]), "form"),
        ("s1", reverse("appraisal:agreement", args=[form.pk]), "agreement"),
        ("s1", reverse("orgchart:tree"), "orgchart"),
        ("grp1_head", reverse("appraisal:team") + f"?round={rnd.pk}", "team"),
        ("grp1_head", reverse("appraisal:score", args=[form.pk]), "score"),
        ("grp1_head", reverse("appraisal:agreement_review", args=[form.pk]), "agreement_review"),
        ("div1_head", reverse("kpi:unit", args=[org.div1.pk]), "kpi_unit"),
        ("div1_head", reverse("kpi:detail", args=[kpi.pk]), "kpi_detail"),
        ("div1_head", reverse("kpi:edit", args=[kpi.pk]), "kpi_form"),
        ("div1_head", reverse("kpi:targets", args=[kpi.pk]), "kpi_targets"),
        ("div1_head", reverse("kpi:os_matrix", args=[org.div1.pk]), "kpi_os"),
        ("div1_head", reverse("kpi:cascade_tree", args=[org.div1.pk]), "kpi_cascade"),
        ("hr", reverse("appraisal:rounds"), "rounds"),
        ("hr", reverse("appraisal:round_console", args=[rnd.pk]), "round_console"),
        ("hr", reverse("appraisal:round_settings", args=[rnd.pk]), "round_settings"),
        ("hr", reverse("appraisal:round_forms", args=[rnd.pk]), "round_forms"),
        ("hr", reverse("appraisal:distribution", args=[rnd.pk]), "distribution"),
        ("hr", reverse("reports:index"), "reports"),
        ("hr", reverse("reports:round", args=[rnd.pk]), "reports_round"),
        ("hr", reverse("orgchart:import"), "import"),
        ("admin", reverse("home"), "home"),
    ]
    clients: dict[str, Client] = {}
    for who, path, topic in pages:
        client = clients.setdefault(who, client_for(who))
        response = client.get(path)
        assert response.status_code == 200, (who, path, response.status_code)
        assert panels(response) == [topic], (who, path)
        page = TOPICS[topic]
        assert reverse("manual_page", args=[page]) in response.content.decode(), (path, page)


def test_the_settings_page_explains_the_methods_and_rounding_where_they_are_chosen(org):
    rnd, _ = scored_form(org)
    html = client_for("hr").get(reverse("appraisal:round_settings", args=[rnd.pk])).content
    html = html.decode()
    for words in ("อธิบายวิธีประเมินสมรรถนะ", "ต่ำกว่า 1 ระดับได้ 2", "มาตรประมาณค่า 1–5", "ตามระบบ DPIS"):
        assert words in html
    # Right under the fields that choose them.
    assert html.index('name="competency_method"') < html.index("help-competency-methods")
    assert html.index('name="rounding"') < html.index("help-rounding")


def test_the_kpi_form_explains_the_five_levels_and_the_four_target_patterns(org):
    kpi = make_kpi(org.div1, code="1")
    html = client_for("div1_head").get(reverse("kpi:edit", args=[kpi.pk])).content.decode()
    assert "help-bar-scale" in html and "ระดับ 3 คือค่าเป้าหมาย" in html
    assert "help-target-patterns" in html
    for pattern in ("แนวโน้มดีขึ้นต่อเนื่อง", "ค่าเฉลี่ยของ 3 ปี", "องค์กรกำหนด", "เทียบกับหน่วยงานอื่น"):
        assert pattern in html


def test_every_manual_page_renders_with_its_pictures_and_links(org):
    client = client_for("s1")
    for slug in MANUAL_PAGES:
        response = client.get(reverse("manual_page", args=[slug]))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="manual"' in html
        assert "<script>" not in manual_html(slug)
        # Links between the pages of the manual point into the app, not at the .md files.
        assert '.md"' not in manual_html(slug)
    html = manual_html("staff")
    assert "/static/manual/staff_my.png" in html
    assert reverse("manual_page", args=["index"]) in html
    assert 'class="table-responsive"' in manual_html("hr")


def test_every_picture_the_manual_names_exists_and_the_pictures_stay_small():
    import re

    named = set()
    for name, _ in MANUAL_PAGES.values():
        named |= set(re.findall(r"\(img/([\w.-]+\.png)\)", (MANUAL_DIR / name).read_text()))
    assert named
    for picture in named:
        assert finders.find(f"manual/{picture}"), picture
    total = sum(p.stat().st_size for p in (MANUAL_DIR / "img").glob("*.png"))
    assert total < 3 * 1024 * 1024


def test_the_manual_refuses_anonymous_visitors(org):
    response = Client().get(reverse("manual_page", args=["hr"]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_menu_links_the_manual_for_every_signed_in_user(org):
    for who in ("s1", "grp1_head", "hr", "admin", "nobody"):
        html = client_for(who).get(reverse("home")).content.decode()
        assert 'id="nav-manual"' in html, who
        assert 'href="#main"' in html and 'id="main"' in html
        assert "<header>" in html and "<footer" in html
