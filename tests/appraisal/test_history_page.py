from django.urls import reverse

from appraisal.services.evaluation import ScoreInput, score_save


def test_history_page_shows_who_old_new_and_why(client, world):
    o = world
    item = o.f1.kpis.first()
    score_save(
        actor=o.grp1_head.user,
        form=o.f1,
        expected_version=o.f1.version,
        kpis=[ScoreInput(id=item.pk, level=2, reason="รายงานล่าช้ากว่ากำหนด")],
    )
    client.force_login(o.hr)
    html = client.get(reverse("appraisal:form_history", kwargs={"pk": o.f1.pk})).content.decode()
    assert "รายงานล่าช้ากว่ากำหนด" in html
    assert o.grp1_head.full_name in html
    assert "ระดับที่ได้" in html
