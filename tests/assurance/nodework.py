"""Steps run inside a real node process by the fault tests: `python -m tests.assurance.nodework STEP`.

Each step prints one JSON line for the test to read. The node is the one named by PCMS_DATA_DIR.
"""

import json
import os
import sys


def prepare_import(rows: int) -> dict:
    """An officer of NE, a draft report and an import of `rows` people checked and queued to apply."""
    from django.conf import settings
    from django.contrib.auth.models import Group
    from huey.contrib.djhuey import HUEY

    from pcms.accounts.models import User
    from pcms.imports import actions, tasks
    from pcms.matching.synthetic import generate_people
    from pcms.records import actions as records
    from pcms.reference.models import Platform

    officer = User.objects.create_user("officer", platform=Platform.objects.get(code="NE"))
    officer.groups.add(Group.objects.get(name="officer"))
    report = records.create_report(officer, {
        "title": "Liste de personnes signalées", "category": "terrorism", "source_reliability": "B",
        "credibility": "2", "dissemination": "own"})
    lines = []
    for number, person in enumerate(generate_people(rows, seed=3, duplicate_rate=0)):
        kept = {k: v for k, v in person.entity["properties"].items() if k in ("name", "birthDate")}
        lines.append(json.dumps({"id": f"p{number}", "schema": "Person", "properties": kept},
                                ensure_ascii=False))
    job = actions.create_job(officer, filename="personnes.json",
                             chunks=[("\n".join(lines) + "\n").encode()],
                             max_bytes=settings.IMPORT_MAX_BYTES, report=report)
    tasks.read_import.call_local(str(job.pk))
    tasks.validate_import.call_local(str(job.pk))
    job.refresh_from_db()
    assert job.status == "ready", (job.status, job.errors[:3], job.message)
    HUEY.flush()  # the steps just run here were queued too: leave only the one to kill
    actions.confirm(officer, job)  # queued for the worker, which the test starts and kills
    return {"job": str(job.pk), "report": str(report.pk), "status": job.status}


def job_state(job_id: str) -> dict:
    from pcms.imports import files
    from pcms.imports.models import ImportJob
    from pcms.records.models import Entity, Mention, SearchToken

    job = ImportJob.objects.get(pk=job_id)
    done, total = files.read_progress(job)
    return {"status": job.status, "message": job.message, "done": done, "total": total,
            "entities": Entity.objects.filter(origin=job.report_id).count(),
            "mentions": Mention.objects.filter(report=job.report_id).count(),
            "words": SearchToken.objects.count()}


def retry(job_id: str) -> dict:
    from huey.contrib.djhuey import HUEY

    from pcms.imports import actions, tasks
    from pcms.imports.models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    actions.retry(job.user, job)
    tasks.read_import.call_local(job_id)
    tasks.validate_import.call_local(job_id)
    job.refresh_from_db()
    actions.confirm(job.user, job)
    tasks.apply_import.call_local(job_id)
    HUEY.flush()
    return job_state(job_id)


def matchable() -> dict:
    from pcms.records.models import Entity
    from pcms.screening import nodeindex

    index = nodeindex.get_index()
    return {"entities": Entity.objects.filter(schema__in=nodeindex.MATCHABLE).count(),
            "indexed": len(index)}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcms.settings")
    import django

    django.setup()
    step, *args = sys.argv[1:]
    result = {"prepare_import": lambda: prepare_import(int(args[0])),
              "job_state": lambda: job_state(args[0]), "retry": lambda: retry(args[0]),
              "matchable": matchable}[step]()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
