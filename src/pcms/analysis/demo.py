"""A draft weekly bulletin and a published monthly one, written by the demo analyst."""

from django.contrib.auth import get_user_model

from pcms.analysis import actions, bulletins
from pcms.analysis.choices import BulletinKind
from pcms.analysis.models import Bulletin


def load(stdout) -> None:
    if Bulletin.objects.exists():
        stdout.write("demo bulletins already present\n")
        return
    analyst = get_user_model().objects.filter(username="analyst").first()
    if analyst is None or not bulletins.may_write(analyst):
        return
    for kind in (BulletinKind.MONTHLY, BulletinKind.WEEKLY):
        data = bulletins.initial(kind) | {"dissemination": "all", "classification": 1}
        bulletin = actions.create_bulletin(analyst, data)
        if kind == BulletinKind.MONTHLY:
            actions.publish(analyst, bulletin)
    stdout.write("2 demo bulletins\n")
