"""What officers and analysts do all day, for `python -m benchmarks.load`: sign in, list and
filter reports, open reports and entities, search, screen a name, read the dashboard and the
inbox. Each simulated user signs in with one of the node's accounts (see `ACCOUNTS`)."""

import os
import random
import re

from locust import HttpUser, between, task

ACCOUNTS = [f"load{number:02d}" for number in range(50)]
PASSWORD = "load-test-password-2026"  # noqa: S105 - accounts made by the load test
CATEGORIES = ["terrorism", "arms_trafficking", "drug_trafficking", "smuggling", "kidnapping"]
NAMES = ["Moussa", "Traoré", "Aïcha", "Diallo", "Ibrahim", "Maïga", "Fatimata", "Ag"]
REPORT_LINK = re.compile(r"/records/reports/([0-9a-f-]{36})/")
ENTITY_LINK = re.compile(r"/records/entities/([0-9a-f-]{36})/")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next_account = iter(range(10**6))


class Officer(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.username = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        page = self.client.get("/accounts/login/", name="sign in")
        self.client.post("/accounts/login/", {
            "username": self.username, "password": PASSWORD,
            "csrfmiddlewaretoken": TOKEN.search(page.text).group(1)}, name="sign in",
            headers={"Referer": self.host + "/accounts/login/"})
        self.reports, self.entities = [], []
        self.list_reports()

    def _post(self, path: str, data: dict, name: str):
        page = self.client.get(path, name=name)
        token = TOKEN.search(page.text)
        return self.client.post(path, {**data, "csrfmiddlewaretoken": token.group(1) if token else ""},
                                name=name, headers={"Referer": self.host + path})

    @task(6)
    def list_reports(self) -> None:
        response = self.client.get("/records/reports/", name="reports")
        self.reports = REPORT_LINK.findall(response.text) or self.reports

    @task(3)
    def filter_reports(self) -> None:
        self.client.get("/records/reports/", params={"category": random.choice(CATEGORIES)},  # noqa: S311
                        headers={"HX-Request": "true"}, name="reports, filtered (htmx)")

    @task(6)
    def open_report(self) -> None:
        if self.reports:
            response = self.client.get(f"/records/reports/{random.choice(self.reports)}/",  # noqa: S311
                                       name="report")
            self.entities = ENTITY_LINK.findall(response.text) or self.entities

    @task(4)
    def open_entity(self) -> None:
        if self.entities:
            self.client.get(f"/records/entities/{random.choice(self.entities)}/",  # noqa: S311
                            name="entity")

    @task(2)
    def list_entities(self) -> None:
        self.client.get("/records/entities/", name="entities")

    @task(4)
    def search(self) -> None:
        self.client.get("/records/search/", params={"q": random.choice(NAMES)},  # noqa: S311
                        name="search")

    @task(2)
    def screen(self) -> None:
        self._post("/screening/", {"schema": "Person", "name": random.choice(NAMES) + " Diallo",  # noqa: S311
                                   "purpose": os.environ.get("LOAD_PURPOSE", ""),
                                   "reason": "Contrôle routier"}, name="screening")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/analysis/", name="dashboard")

    @task(2)
    def inbox(self) -> None:
        self.client.get("/exchange/", name="inbox")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="home")
