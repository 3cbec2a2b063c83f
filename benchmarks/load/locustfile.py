"""Mixed queries of the widget and the workspace, for ``benchmarks/load/run.py``.

Weights follow what a widget session does: autocompletes while typing, one
recommendation, a detail or two, sometimes a "pourquoi pas ?", a reconversion now
and then, and the feedback events.
"""

from __future__ import annotations

import random
import secrets

from locust import FastHttpUser, between, task

PLACES = ["Saint-Quentin", "Amiens", "Rouen", "Lyon", "Lille", "Laon", "Quimperlé", "Guéret"]
INTERESTS = [
    ["plasturgie"],
    ["chimie", "biologie"],
    ["je veux devenir soudeur"],
    ["cuisine"],
    ["maintenance industrielle"],
    ["travailler dehors"],
    ["informatique"],
    ["aide-soignant"],
]
LEVELS = ["3e", "seconde", "CAP", "bac pro", "terminale pro", "bac"]
PREFIXES = ["sou", "plas", "chim", "cuis", "mec", "info", "aide", "vent"]
COMMUNE_PREFIXES = ["sain", "amie", "roue", "lyo", "lil", "lao", "quim"]
JOBS = ["cariste", "vendeur", "soudeur", "aide-soignant", "technicien de laboratoire"]


class WidgetUser(FastHttpUser):
    wait_time = between(0.0, 0.2)

    def on_start(self) -> None:
        self.session = secrets.token_urlsafe(12)
        self.seen: list[str] = []

    @task(6)
    def autocomplete(self) -> None:
        if random.random() < 0.5:
            self.client.get("/v1/jobs", params={"q": random.choice(PREFIXES)}, name="/v1/jobs")
        else:
            prefix = random.choice(COMMUNE_PREFIXES)
            self.client.get("/v1/places", params={"q": prefix}, name="/v1/places")

    @task(4)
    def recommend(self) -> None:
        profile = {
            "level": random.choice(LEVELS),
            "interests": random.choice(INTERESTS),
            "place": random.choice(PLACES),
            "k": 10,
            "offers_k": 5,
        }
        with self.client.post(
            "/v1/recommendations", json=profile, name="/v1/recommendations", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return
            self.seen = [f["formation"]["formation_id"] for f in response.json()["formations"]]
            self._feedback("shown", self.seen[:3])

    @task(2)
    def detail(self) -> None:
        if self.seen:
            formation_id = random.choice(self.seen)
            self.client.get(f"/v1/formations/{formation_id}", name="/v1/formations/{id}")
            self._feedback("opened", [formation_id])

    @task(1)
    def why_not(self) -> None:
        if self.seen:
            body = {
                "level": random.choice(LEVELS),
                "interests": ["cuisine"],
                "place": random.choice(PLACES),
                "formation_id": self.seen[-1],
            }
            self.client.post("/v1/recommendations/why-not", json=body, name="why-not")

    @task(1)
    def reconversion(self) -> None:
        body = {"current_job": random.choice(JOBS), "place": random.choice(PLACES), "k": 3}
        self.client.post("/v1/reconversion", json=body, name="/v1/reconversion")

    def _feedback(self, action: str, ids: list[str]) -> None:
        if ids:
            events = [{"action": action, "item_kind": "formation", "item_id": i} for i in ids]
            body = {"session": self.session, "events": events, "partner": "bench"}
            self.client.post("/v1/feedback", json=body, name="/v1/feedback")
