"""The load mix for bench/load.py (Locust): inbox reads, detail pages, searches,
transitions, uploads and exports, as the people of the seeded office do them.

Every response's status is tallied per request type into LOAD_RESULTS (JSON) when
Locust stops: bench/load.py judges 500s, 409s and 503s from it.
"""

import collections
import json
import os
import random

from locust import HttpUser, between, events, task

SEED = json.loads(open(os.environ["LOAD_SEED"]).read())
TALLY: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# 409 (a lost race, a state already moved on) and 503 (the database was cut off) are due.
EXPECTED = {200, 201, 204, 302, 409, 503}


@events.request.add_listener
def tally(request_type, name, response_time, response_length, response=None,
          exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    TALLY[name][str(status) if status else "no-answer"] += 1


@events.quitting.add_listener
def write_tally(environment, **kwargs):
    with open(os.environ["LOAD_RESULTS"], "w") as out:
        json.dump({name: dict(counts) for name, counts in TALLY.items()}, out)


class Person(HttpUser):
    abstract = True
    wait_time = between(0.2, 1.0)
    who = ""

    def on_start(self):
        me = SEED["people"][self.who]
        self.client.headers["Authorization"] = f"Token {me['token']}"
        self.client.cookies.set("sessionid", me["session"])

    def check(self, response):
        if response.status_code not in EXPECTED:
            response.failure(f"status {response.status_code}")
        else:
            response.success()


class Reader(Person):
    """A standing reviewer reading the inbox, nomination pages and the list."""

    weight = 3
    who = "reviewer"

    @task(3)
    def inbox(self):
        with self.client.get("/inbox/?tab=queue", name="inbox", catch_response=True) as r:
            self.check(r)

    @task(2)
    def detail(self):
        pk = random.choice(SEED["submitted"])
        with self.client.get(f"/nominations/{pk}/", name="detail", catch_response=True) as r:
            self.check(r)

    @task(1)
    def search(self):
        with self.client.get("/nominations/?q=nguyen", name="search", catch_response=True) as r:
            self.check(r)


class Reviewer(Person):
    """Claims a proposal from the queue and puts it back: two transitions."""

    weight = 2
    who = "reviewer"

    @task
    def claim_and_release(self):
        pk = random.choice(SEED["submitted"])
        for action in ("claim", "release"):
            with self.client.post(f"/api/v1/nominations/{pk}/actions/{action}/", json={},
                                  name=action, catch_response=True) as r:
                self.check(r)


class Head(Person):
    """The unit head submits drafts."""

    weight = 1
    who = "head"

    @task
    def submit(self):
        pk = random.choice(SEED["drafts"])
        with self.client.post(f"/api/v1/nominations/{pk}/actions/submit/", json={},
                              name="submit", catch_response=True) as r:
            self.check(r)


class Staff(Person):
    """Unit staff upload dossier documents."""

    weight = 1
    who = "staff"

    @task
    def upload(self):
        pk = random.choice(SEED["drafts"])
        with self.client.post(f"/api/v1/nominations/{pk}/documents/",
                              data={"kind": "to_trinh"},
                              files={"file": ("to-trinh.pdf", PDF, "application/pdf")},
                              name="upload", catch_response=True) as r:
            self.check(r)


class Auditor(Person):
    """The auditor exports today's history as CSV."""

    weight = 1
    who = "auditor"

    @task
    def export(self):
        with self.client.get(f"/audit/export.csv?date_from={SEED['today']}", name="export_csv",
                             catch_response=True) as r:
            self.check(r)
