from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from pcms.audit.models import AuditEntry
from pcms.audit.services import verify
from pcms.dataprotection import actions as dp_actions
from pcms.records import actions, attachments
from pcms.records.models import Attachment, Entity, Mention, Report, SearchToken
from pcms.screening import nodeindex
from tests.conftest import sign_in

from .conftest import validated

PERSON = {"name": ["Moussa Ag Intalla"], "birthDate": ["1984-05-02"]}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_deleting_a_report_removes_it_its_words_index_entries_and_files_but_not_its_trace(
        client, niger, django_capture_on_commit_callbacks):
    officer, chief, dpo = niger
    report, (person,) = validated(officer, chief, [PERSON])
    photo = attachments.attach(officer, report, SimpleUploadedFile("photo.png", PNG))
    stored = photo.file.name
    nodeindex.put(person)
    assert nodeindex.get_index().search(nodeindex.match_data(person), limit=1)
    sign_in(client, chief)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/dataprotection/review/report/{report.pk}/", {
            "decision": "delete", "reason": "Fin de l'enquête, données plus nécessaires",
            "confirm": "on"})
    assert response.status_code == 302
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not Entity.objects.filter(pk=person.pk).exists()
    assert not Attachment.objects.exists() and not default_storage.exists(stored)
    assert not SearchToken.objects.filter(token__startswith="intalla").exists()
    assert nodeindex.get_index().search(nodeindex.match_data(person), limit=1) == []
    deleted = AuditEntry.objects.filter(action="delete", object_id__in=[str(report.pk),
                                                                        str(person.pk)])
    assert deleted.count() == 2
    assert all("Intalla" not in str(entry.detail) for entry in AuditEntry.objects.all())
    count, breaks = verify()
    assert count and not breaks


def test_deleting_a_report_keeps_the_people_another_report_still_names(niger):
    officer, chief, dpo = niger
    first, (person,) = validated(officer, chief, [PERSON])
    second, _ = validated(officer, chief, [])
    actions.update_report(officer, second, {"title": "Suite"}, reason="nouvelle mention")
    actions.mention(officer, second, person, "suspect")
    actions.validate(chief, second)
    dp_actions.delete_record(dpo, first, "Rapport saisi par erreur")
    person.refresh_from_db()
    assert person.origin_id is None
    assert list(Mention.objects.filter(entity=person).values_list("report_id", flat=True)) == [
        second.pk]


def test_deleting_a_person_takes_their_relations_along(niger):
    officer, chief, dpo = niger
    report, (person, brother) = validated(officer, chief, [PERSON, {"name": ["Ibrahim Ag Intalla"]}])
    actions.update_report(officer, report, {"title": "Famille"}, reason="lien familial")
    relation = actions.relate(officer, report, "Family", person, brother, {"relationship": ["frère"]})
    dp_actions.delete_record(dpo, person, "Personne mise hors de cause")
    assert not Entity.objects.filter(pk__in=[person.pk, relation.pk]).exists()
    assert Entity.objects.filter(pk=brother.pk).exists()
