"""The adult's path of the widget (reconversion) in headless Chromium, against the real API.

A 35-year-old forklift driver looking for work in Saint-Quentin, with a CAP and six years
of experience, asks where to go from his job: target jobs with the share of skills held,
the routes side by side, no apprenticeship. A laboratory technician near Rouen types an
ambiguous title and picks the job he means with one click. Each state is scanned with
axe-core (no serious or critical violation) and photographed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import Problems
from tests.browser.pages import (
    focus_is_visible,
    focused,
    pick,
    pick_with_keys,
    playwright_expect,
    tab_order,
)

pytestmark = pytest.mark.browser

Screenshot = Callable[[Any, str], Any]
AxeScan = Callable[[Any, str], dict[str, int]]
ROUTE_KINDS = ["vae", "formation", "contrat"]
MISSING_SHOWN = 5  # missing skills listed before the "voir les autres" button


def _choose_retraining(page: Any) -> None:
    # DSFR draws its own boxes over the inputs: people click the labels.
    page.locator("label[for=adult]").click()
    page.locator("label[for=goal-retraining]").click()


def _fill_cariste(page: Any) -> None:
    pick(page, "Votre métier actuel", "carist", "Cariste ·")
    page.get_by_label("Années d'expérience dans ce métier").fill("6")
    page.get_by_label("Votre plus haut diplôme").select_option("cap")
    page.get_by_label("Votre âge").fill("35")
    page.locator("label[for=status-demandeur_emploi]").click()
    pick(page, "Votre commune", "Saint-Quent", "Saint-Quentin (02)")


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def _boxes(locator: Any) -> list[dict[str, float]]:
    return [box for box in (item.bounding_box() for item in locator.all()) if box]


def test_an_adult_cariste_gets_target_jobs_skills_and_routes(
    page: Any, problems: Problems, screenshot: Screenshot, axe_scan: AxeScan
) -> None:
    expect = playwright_expect()
    page.goto("/widget/?partner=adulte-test")
    # The choice of paths appears for adults only; the pupils' steps give way to the adult's.
    expect(page.locator("#goal-field")).to_be_hidden()
    page.locator("label[for=adult]").click()
    expect(page.get_by_role("radio", name=re.compile("^Trouver une formation"))).to_be_checked()
    expect(page.locator("#step-interests")).to_be_visible()
    page.locator("label[for=goal-retraining]").click()
    expect(page.locator("#step-interests")).to_be_hidden()
    expect(page.locator("#level")).to_be_hidden()
    expect(page.locator("#submit")).to_be_hidden()
    expect(page.locator("#step-job")).to_have_text("2. Votre métier aujourd'hui")
    expect(page.locator("#form-title")).to_contain_text("Répondez à 6 questions")
    axe_scan(page, "adulte : formulaire")

    # Nothing filled in: each required field says what it needs, and nothing is sent.
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    page.get_by_role("button", name="Voir les métiers accessibles").click()
    expect(page.locator("#job-input")).to_be_focused()
    expect(page.locator("#job-input")).to_have_attribute("aria-invalid", "true")
    for error in ("job-error", "experience-error", "diploma-error", "status-error"):
        expect(page.locator(f"#{error}")).to_be_visible()
    expect(page.locator("#adult-place-error")).to_have_text("Indiquez votre commune.")
    expect(page.locator("#age-error")).to_be_hidden()  # the age is optional
    assert not [url for url in sent if "/v1/reconversion" in url]
    axe_scan(page, "adulte : formulaire avec erreurs")
    screenshot(page, "adulte-1-erreurs")

    _fill_cariste(page)
    expect(page.locator("#job-input")).to_have_value("Cariste")
    expect(page.locator("#job-error")).to_be_hidden()
    screenshot(page, "adulte-2-formulaire-rempli")
    with page.expect_response("**/v1/reconversion") as answer:
        page.get_by_role("button", name="Voir les métiers accessibles").click()
    request = answer.value.request.post_data_json
    # The job picked from the list is sent as its ROME code, the commune by its name.
    assert request["current_job"] == "N1101"
    assert request["place"] == "Saint-Quentin (02)"
    assert (request["years_experience"], request["diploma"], request["age"]) == (6, "cap", 35)
    assert request["status"] == "demandeur_emploi"
    assert "targets" not in request
    body = answer.value.json()
    targets = body["targets"]
    assert len(targets) >= 3

    expect(page.locator("#adult-results-title")).to_be_focused()
    expect(page.locator("#announce")).to_have_text(f"{len(targets)} métiers trouvés.")
    expect(page.locator("#adult-understood")).to_contain_text("cariste (N1101)")
    expect(page.locator("#adult-understood")).to_contain_text("autour de Saint-Quentin")
    expect(page.locator("#targets-count")).to_have_text(f"{len(targets)} métiers proposés")
    # Apprenticeship closes after 29: the notice says so, and no route offers it.
    expect(page.locator("#adult-notices [data-notice=apprenticeship_closed]")).to_contain_text(
        "l'apprentissage n'est plus ouvert"
    )
    contracts = [route for t in targets for route in t["routes"] if route["kind"] == "contrat"]
    assert all("apprentissage" not in route["title"].lower() for route in contracts)
    assert all(offer["kind"] != "apprentissage" for route in contracts for offer in route["offers"])
    expect(page.locator("[data-offer-kind=apprentissage]")).to_have_count(0)
    for title in page.locator("[data-kind=contrat] .widget-route__title").all_inner_texts():
        assert "apprentissage" not in title.lower(), title

    # One card per target job, in the engine's order, with the share of skills held.
    cards = page.locator("#targets > li > article")
    expect(cards).to_have_count(len(targets))
    for card, target in zip(cards.all(), targets, strict=True):
        expect(card.locator("h3")).to_have_text(target["job"]["label"])
        share = _percent(target["skills"]["share"])
        expect(card.locator(".widget-skills__share")).to_have_text(
            f"{share} des compétences déjà acquises"
        )
        expect(card.locator("progress")).to_have_attribute(
            "value", str(round(target["skills"]["share"] * 100))
        )
        skills_reason = next(r for r in target["reasons"] if r["criterion"] == "skills")
        assert share in skills_reason["text"]
        expect(card.locator(".widget-reasons")).to_contain_text(skills_reason["text"])
        # The three routes, each available or saying why not.
        routes = card.locator(".widget-route")
        assert routes.evaluate_all("items => items.map(i => i.dataset.kind)") == ROUTE_KINDS
        for route_item, route in zip(routes.all(), target["routes"], strict=True):
            expect(route_item).to_have_attribute("data-available", str(route["available"]).lower())
            expect(route_item.locator(".fr-badge").first).to_have_text(
                "Possible" if route["available"] else "Non disponible"
            )
            expect(route_item).to_contain_text(route["summary"])
            places = route_item.locator(".widget-place")
            expect(places).to_have_count(len(route["places"]))
            for place_item, place in zip(places.all(), route["places"], strict=True):
                expect(place_item).to_contain_text(place["establishment"])
                expect(place_item).to_contain_text(place["evidence_text"])
            expect(route_item.locator(".widget-alternative")).to_have_count(
                len(route["alternatives"])
            )
    available = [route for t in targets for route in t["routes"] if route["available"]]
    assert available, "at least one route is open to a cariste with six years of experience"
    expect(page.locator(".widget-route[data-available=true]")).to_have_count(len(available))
    vae = next(r for t in targets for r in t["routes"] if r["kind"] == "vae" and r["available"])
    assert "6 ans d'expérience" in vae["summary"]
    axe_scan(page, "adulte : résultats")
    screenshot(page, "adulte-3-resultats")

    # The missing skills: a short list, the others one click away.
    first = cards.first
    missing = targets[0]["skills"]["missing"]
    assert len(missing) > MISSING_SHOWN
    expect(first.locator(".widget-missing li:visible")).to_have_count(MISSING_SHOWN)
    more = first.locator("button[aria-controls=target-0-missing]")
    expect(more).to_have_accessible_name(
        f"Voir les {len(missing) - MISSING_SHOWN} autres compétences : {targets[0]['job']['label']}"
    )
    expect(more).to_have_attribute("aria-expanded", "false")
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(more).to_have_accessible_name(
        f"Voir moins de compétences : {targets[0]['job']['label']}"
    )
    expect(first.locator(".widget-missing li:visible")).to_have_count(len(missing))
    expect(first.locator(".widget-missing")).to_contain_text(missing[-1])
    more.click()
    expect(first.locator(".widget-missing li:visible")).to_have_count(MISSING_SHOWN)

    # On a phone the routes are stacked; on a wider screen, side by side.
    stacked = _boxes(first.locator(".widget-route"))
    assert len({round(box["x"]) for box in stacked}) == 1
    assert stacked[0]["y"] < stacked[1]["y"] < stacked[2]["y"]
    page.set_viewport_size({"width": 1100, "height": 900})
    side_by_side = _boxes(first.locator(".widget-route"))
    assert len({round(box["y"]) for box in side_by_side}) == 1
    assert side_by_side[0]["x"] < side_by_side[1]["x"] < side_by_side[2]["x"]
    screenshot(page, "adulte-4-resultats-large")
    page.set_viewport_size({"width": 390, "height": 844})

    # Back to the answers, as they were.
    page.get_by_role("button", name="Modifier mes réponses").click()
    expect(page.locator("#job-input")).to_be_focused()
    expect(page.locator("#job-input")).to_have_value("Cariste")
    expect(page.locator("#adult-results")).to_be_hidden()
    assert problems.found == []


def test_an_ambiguous_job_title_lists_the_jobs_it_may_mean_and_one_click_reruns(
    page: Any, problems: Problems, screenshot: Screenshot, axe_scan: AxeScan
) -> None:
    expect = playwright_expect()
    page.goto("/widget/?partner=adulte-test")
    _choose_retraining(page)
    job = page.get_by_role("combobox", name=re.compile("^Votre métier actuel"))
    job.press_sequentially("technicien de laboratoire", delay=20)
    expect(job).to_have_attribute("aria-expanded", "true")
    job.press("Enter")  # keeps the typed words rather than a suggestion
    expect(job).to_have_attribute("aria-expanded", "false")
    page.get_by_label("Années d'expérience dans ce métier").fill("3")
    page.get_by_label("Votre plus haut diplôme").select_option("bts")
    page.locator("label[for=status-salarie]").click()
    pick(page, "Votre commune", "Rouen", "Rouen (76)")
    with page.expect_response("**/v1/reconversion") as answer:
        page.get_by_role("button", name="Voir les métiers accessibles").click()
    assert answer.value.request.post_data_json["current_job"] == "technicien de laboratoire"
    body = answer.value.json()
    # Rouen, not the communes whose postcode is Rouen's INSEE code (76540).
    assert body["place"] == "Rouen"
    alternatives = body["current_job_alternatives"]
    assert len(alternatives) >= 2

    expect(page.locator("#adult-results-title")).to_be_focused()
    notice = page.locator("#adult-notices .fr-alert", has=page.locator("[data-notice]"))
    expect(notice.first).to_contain_text("peut désigner plusieurs métiers")
    buttons = page.locator("#adult-notices .widget-alternatives button")
    expect(buttons).to_have_text([f"{a['label']} ({a['code_rome']})" for a in alternatives])
    # A salaried adult of unknown age: apprenticeship offers nearby are listed as offers.
    offers = [o for t in body["targets"] for r in t["routes"] for o in r["offers"]]
    expect(page.locator(".widget-offer")).to_have_count(len(offers))
    if offers:
        expect(page.locator(".widget-offer").first).to_contain_text(offers[0]["title"])
    axe_scan(page, "adulte : métier ambigu")
    screenshot(page, "adulte-5-metier-ambigu")

    chosen = alternatives[0]
    with page.expect_response("**/v1/reconversion") as rerun:
        buttons.first.click()
    assert rerun.value.request.post_data_json["current_job"] == chosen["code_rome"]
    again = rerun.value.json()
    assert again["current_job"]["code_rome"] == chosen["code_rome"]
    assert again["current_job_alternatives"] == []
    expect(page.locator("#adult-results-title")).to_be_focused()
    expect(page.locator("#adult-understood")).to_contain_text(f"({chosen['code_rome']})")
    expect(page.locator("[data-notice=current_job_ambiguous]")).to_have_count(0)
    expect(page.locator("#targets > li")).to_have_count(len(again["targets"]))
    expect(page.locator("#announce")).to_have_text(f"{len(again['targets'])} métiers trouvés.")
    screenshot(page, "adulte-6-metier-precise")

    page.get_by_role("button", name="Modifier mes réponses").click()
    expect(page.locator("#job-input")).to_have_value(chosen["label"])
    assert problems.found == []


def test_the_adult_path_with_the_keyboard_only(
    page: Any, problems: Problems, screenshot: Screenshot
) -> None:
    expect = playwright_expect()
    keyboard = page.keyboard
    page.goto("/widget/")
    expect(page.locator("input[name=category]")).to_have_count(30)

    keyboard.press("Tab")
    assert focused(page) == "level"
    keyboard.press("Tab")
    assert focused(page) == "adult"
    keyboard.press("Space")
    keyboard.press("Tab")
    assert focused(page) == "goal-training"
    keyboard.press("ArrowDown")  # moves to and checks "Changer de métier"
    assert focused(page) == "goal-retraining"
    expect(page.locator("#step-job")).to_be_visible()
    keyboard.press("Tab")
    assert focused(page) == "job-input"
    assert focus_is_visible(page)
    keyboard.type("carist", delay=30)
    expect(page.locator("#job-input")).to_have_attribute("aria-expanded", "true")
    keyboard.press("ArrowDown")
    keyboard.press("Enter")
    expect(page.locator("#job-input")).to_have_value("Cariste")
    keyboard.press("Tab")
    assert focused(page) == "experience"
    keyboard.type("6")
    keyboard.press("Tab")
    assert focused(page) == "diploma"
    keyboard.press("ArrowDown")
    keyboard.press("ArrowDown")
    expect(page.locator("#diploma")).to_have_value("cap")
    keyboard.press("Tab")
    assert focused(page) == "age"
    keyboard.type("35")
    keyboard.press("Tab")
    assert focused(page) == "status-demandeur_emploi"
    keyboard.press("Space")
    expect(page.locator("#status-demandeur_emploi")).to_be_checked()
    keyboard.press("Tab")
    assert focused(page) == "adult-place-input"
    pick_with_keys(page, "adult-place-input", "Saint-Quent", "Saint-Quentin (02)")

    assert tab_order(page, 6) == [
        "adult-distance",
        "part-time",
        "evenings",
        "distance-learning",
        "target-input",
        "adult-submit",
    ]
    assert focus_is_visible(page)
    keyboard.press("Enter")
    expect(page.locator("#adult-results-title")).to_be_focused()
    expect(page.locator("#targets > li").first).to_be_visible()
    screenshot(page, "adulte-7-clavier-resultats")

    # The first card's missing skills open and close from the keyboard; focus stays put.
    for _ in range(10):
        keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('widget-expand')"):
            break
    expand = page.locator("#targets .widget-expand").first
    expect(expand).to_be_focused()
    assert focus_is_visible(page)
    keyboard.press("Enter")
    expect(expand).to_have_attribute("aria-expanded", "true")
    expect(expand).to_be_focused()

    for _ in range(200):
        keyboard.press("Tab")
        if focused(page) == "adult-edit":
            break
    assert focused(page) == "adult-edit"
    keyboard.press("Enter")
    expect(page.locator("#job-input")).to_be_focused()
    assert problems.found == []


def test_sessions_offers_and_every_api_text_are_shown_as_text(
    page: Any, problems: Problems, screenshot: Screenshot
) -> None:
    """Sessions come from imported feeds (none in the bundled data): one is added to the real
    answer, with markup in a label, which must show as text and never become an element."""
    expect = playwright_expect()
    markup = '<img src="x" onerror="window.injected = true">'
    session = {
        "start_date": "2027-01-04",
        "end_date": "2027-06-30",
        "status": "upcoming",
        "status_label": "à venir",
        "schedule": "Temps partiel",
        "duration_text": "6 mois",
        "teaching_mode": "présentiel",
        "provider_name": "GRETA de l'Aisne",
    }

    def answer_with_a_session(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        target = body["targets"][0]
        target["job"]["label"] = f"{markup} {target['job']['label']}"
        training = next(r for r in target["routes"] if r["kind"] == "formation")
        assert training["places"], "the cariste's first target has a training place"
        training["places"][0]["sessions"] = [session]
        route.fulfill(response=response, json=body)

    page.route("**/v1/reconversion", answer_with_a_session)
    page.goto("/widget/")
    _choose_retraining(page)
    _fill_cariste(page)
    page.get_by_role("button", name="Voir les métiers accessibles").click()
    first = page.locator("#targets > li > article").first
    expect(first.locator("h3")).to_contain_text(markup)
    assert page.locator("#targets img").count() == 0
    assert page.evaluate("window.injected === undefined")
    expect(first.locator(".widget-session")).to_have_text(
        "Session à venir : du 4 janvier 2027 au 30 juin 2027 (Temps partiel, 6 mois, présentiel)"
    )
    screenshot(page, "adulte-8-session")
    assert problems.found == []


def test_a_job_the_api_does_not_know_is_reported_on_its_field(
    page: Any, problems: Problems
) -> None:
    expect = playwright_expect()
    page.goto("/widget/")
    _choose_retraining(page)
    page.get_by_label("Votre métier actuel, ou votre dernier métier").fill("xqzw")
    page.get_by_label("Années d'expérience dans ce métier").fill("2")
    page.get_by_label("Votre plus haut diplôme").select_option("sans_diplome")
    page.locator("label[for=status-autre]").click()
    page.get_by_label("Votre commune").fill("Saint-Quentin (02)")
    with page.expect_response("**/v1/reconversion") as answer:
        page.get_by_role("button", name="Voir les métiers accessibles").click()
    assert answer.value.status == 422
    expect(page.locator("#job-input")).to_be_focused()
    expect(page.locator("#job-input")).to_have_attribute("aria-invalid", "true")
    # The API's French message, without its field's code.
    expect(page.locator("#job-error")).to_have_text(
        re.compile(r"^Aucun métier ne correspond à « xqzw »")
    )
    expect(page.locator("#messages .fr-alert--error")).to_contain_text("Aucun métier")
    expect(page.locator("#adult-results")).to_be_hidden()
    assert [p for p in problems.found if "HTTP 422" not in p and "console" not in p] == []
