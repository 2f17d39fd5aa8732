from pcms.records import actions
from tests.conftest import page_text, sign_in


def test_owner_reads_the_validated_wording_after_a_correction(client, validated_report, make_user):
    author = make_user("author", "officer")
    report = validated_report(author=author)
    actions.update_report(author, report, {"place": "Ayorou, marché"}, reason="Lieu précisé")
    sign_in(client, author)
    response = client.get(f"/records/reports/{report.pk}/versions/1/")
    assert response.status_code == 200
    assert "Moussa Traoré" in page_text(response)
