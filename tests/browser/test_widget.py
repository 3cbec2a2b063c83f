"""The pupils' widget in headless Chromium, against the real API over the bundled catalogue.

A pupil in 3e in Saint-Quentin who likes plastics fills the widget with the mouse, then
with the keyboard only; a campus embeds it; a school site pastes the snippet. Each state
is scanned with axe-core (no serious or critical violation) and photographed.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from recommender.feedback import export_events
from recommender.store import create_engine, read_query_counts
from tests.browser.conftest import LiveServer, Problems
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
CAMPUS_SEAT = "02691"  # Saint-Quentin: the plastics and metallurgy campus


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _counts(server: LiveServer, partner: str) -> dict[tuple[str | None, str], int]:
    engine = create_engine(server.database_url)
    try:
        return {
            (row.campus, row.endpoint): row.count
            for row in read_query_counts(engine)
            if row.partner == partner
        }
    finally:
        engine.dispose()


def _feedback(server: LiveServer, partner: str, expected: int) -> list[dict[str, object]]:
    """The feedback events of `partner`, once `expected` arrived (sent a second after)."""
    engine = create_engine(server.database_url)
    try:
        for _ in range(50):
            events = [e for e in export_events(engine) if e["partner"] == partner]
            if len(events) >= expected:
                return events
            time.sleep(0.1)
        return events
    finally:
        engine.dispose()


def _fill_profile(page: Any) -> None:
    page.get_by_label("Ta classe, ou ton dernier diplôme").select_option("3e")
    pick(page, "Un métier, un domaine ou ce que tu aimes faire", "plasturg", "Plasturgiste ·")
    pick(page, "Ta commune", "Saint-Quent", "Saint-Quentin (02)")


def _card_titles(page: Any) -> list[str]:
    return [title.strip() for title in page.locator("#cards .fr-card__title").all_inner_texts()]


def test_a_pupil_gets_explained_results_a_detail_and_a_why_not(
    page: Any,
    live_server: LiveServer,
    problems: Problems,
    screenshot: Screenshot,
    axe_scan: AxeScan,
) -> None:
    expect = playwright_expect()
    page.goto("/widget/?partner=college-test")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Trouve ta formation près de chez toi"
    )
    # The interest categories are listed for pupils who don't know yet.
    expect(page.locator("input[name=category]")).to_have_count(30)
    axe_scan(page, "formulaire")

    _fill_profile(page)
    expect(page.get_by_role("button", name="Retirer Plasturgiste")).to_be_visible()
    expect(page.locator("#place-input")).to_have_value("Saint-Quentin (02)")
    screenshot(page, "1-formulaire-rempli")

    with page.expect_response("**/v1/recommendations") as answer:
        page.get_by_role("button", name="Voir mes pistes").click()
    body = answer.value.json()
    expect(page.locator("#results-title")).to_be_focused()
    count = len(body["formations"])
    assert count > 5
    expect(page.locator("#announce")).to_have_text(re.compile(rf"^{count} formations trouvées"))
    expect(page.locator("#cards > li")).to_have_count(count)
    expect(page.locator("#understood")).to_contain_text("Saint-Quentin")
    titles = _card_titles(page)
    assert titles == [s["formation"]["certification"]["label"] for s in body["formations"]]
    assert any("plastiques" in title.lower() for title in titles[:3]), titles
    first = page.locator("#cards article").first
    expect(first.locator(".fr-badge")).to_have_count(2)  # voie and level
    expect(first.locator(".widget-reasons li").first).to_be_visible()
    expect(first).to_contain_text(body["formations"][0]["reasons"][0]["text"])
    axe_scan(page, "résultats")
    screenshot(page, "2-resultats")

    # Filters: only apprenticeship, then back to everything.
    apprenticeships = [s for s in body["formations"] if s["formation"]["voie"] == "apprentissage"]
    page.get_by_label("Façon d'apprendre").select_option("apprentissage")
    expect(page.locator("#cards > li")).to_have_count(len(apprenticeships))
    expect(page.locator("#shown-count")).to_have_text(
        f"{len(apprenticeships)} formations sur {count}"
    )
    expect(page.locator("#announce")).to_have_text(f"{len(apprenticeships)} formations affichées.")
    page.get_by_label("Façon d'apprendre").select_option("")
    page.get_by_label("Distance", exact=True).select_option("30")
    near = [s for s in body["formations"] if (s["distance_km"] or 1e9) <= 30]
    expect(page.locator("#cards > li")).to_have_count(len(near))
    page.get_by_label("Distance", exact=True).select_option("")

    # Detail of the first suggestion: outcomes, places, the reasons again.
    page.locator("#detail-0").click()
    expect(page.locator("#panel-title")).to_be_focused()
    expect(page.locator("#panel-title")).to_have_text(titles[0])
    expect(page.locator("#panel-body")).to_contain_text("Où ?")
    expect(page.locator("#panel-body")).to_contain_text("Et après ?")
    expect(page.locator("#panel-body")).to_contain_text(
        body["formations"][0]["formation"]["establishment"]["name"]
    )
    axe_scan(page, "détail")
    screenshot(page, "3-detail")

    # "Pourquoi pas ?" from the detail: it is the first suggestion, so it ranks first.
    with page.expect_response("**/v1/recommendations/why-not") as why:
        page.locator("#detail-whynot").click()
    assert why.value.json()["rank"] == 1
    expect(page.locator("#panel-title")).to_have_text(f"Pourquoi pas « {titles[0]} » ?")
    expect(page.locator("#panel-body")).to_contain_text("Elle arrive en 1re position sur")
    axe_scan(page, "pourquoi pas")
    screenshot(page, "4-pourquoi-pas")
    page.get_by_role("button", name="Retour aux résultats").click()
    expect(page.locator("#detail-0")).to_be_focused()

    # An apprenticeship suggestion lists the employers nearby (seeded synthetic offers).
    paired = next(s for s in apprenticeships if s["paired_offers"])
    index = body["formations"].index(paired)
    page.locator(f"#detail-{index}").click()
    employers = page.locator("#panel-body .widget-employers li")
    expect(employers).to_have_count(len(paired["paired_offers"]))
    expect(employers.first).to_contain_text(paired["paired_offers"][0]["employer_name"])
    expect(employers.first).to_contain_text("offre fictive de démonstration")
    screenshot(page, "5-detail-apprentissage")
    page.get_by_role("button", name="Retour aux résultats").click()

    # "Pourquoi pas ?" for a formation the pupil names.
    page.get_by_label("Son nom").fill("coiffure")
    page.get_by_role("button", name="Chercher cette formation").click()
    named = page.locator("#whynot-choices .widget-choice")
    expect(named.first).to_contain_text("coiffure", ignore_case=True)
    with page.expect_response("**/v1/recommendations/why-not") as why:
        named.first.get_by_role("button").click()
    answer = why.value.json()
    assert answer["excluded"] or answer["rank"] > count
    expect(page.locator("#panel-body")).to_contain_text("Ce qui la fait reculer")
    screenshot(page, "6-pourquoi-pas-nomme")

    assert problems.found == []
    # The partner was counted with each query, and nothing else about the pupil.
    counts = _counts(live_server, "college-test")
    assert counts[(None, "recommendations")] == 1
    assert counts[(None, "why_not")] == 2
    assert counts[(None, "formation")] == 2
    # Feedback: each suggestion shown, each detail opened, under one random session id.
    shown = count + len(body["offers"])
    events = _feedback(live_server, "college-test", shown + 2)
    assert len({e["session"] for e in events}) == 1
    assert [e["action"] for e in events].count("shown") == shown
    opened = [(e["item_id"], e["rank"]) for e in events if e["action"] == "opened"]
    first = body["formations"][0]["formation"]["formation_id"]
    assert opened == [(first, 1), (paired["formation"]["formation_id"], paired["rank"])]


def test_the_same_path_with_the_keyboard_only(
    page: Any, problems: Problems, screenshot: Screenshot
) -> None:
    expect = playwright_expect()
    keyboard = page.keyboard
    page.goto("/widget/")
    expect(page.locator("input[name=category]")).to_have_count(30)

    keyboard.press("Tab")
    assert focused(page) == "level"
    keyboard.press("ArrowDown")
    keyboard.press("ArrowDown")
    expect(page.locator("#level")).to_have_value("3e")
    keyboard.press("Tab")
    assert focused(page) == "adult"
    keyboard.press("Tab")
    assert focused(page) == "interest-input"
    assert focus_is_visible(page)

    interest = page.locator("#interest-input")
    keyboard.type("plasturg", delay=30)
    expect(interest).to_have_attribute("aria-expanded", "true")
    keyboard.press("ArrowDown")
    active = interest.get_attribute("aria-activedescendant")
    expect(page.locator(f"#{active}")).to_have_attribute("aria-selected", "true")
    expect(page.locator(f"#{active}")).to_contain_text("Plasturgiste")
    keyboard.press("Enter")
    expect(page.get_by_role("button", name="Retirer Plasturgiste")).to_be_visible()
    assert focused(page) == "interest-input"
    # Free text: Enter without choosing a suggestion keeps what was typed.
    keyboard.type("chimie", delay=30)
    expect(interest).to_have_attribute("aria-expanded", "true")
    keyboard.press("Enter")
    expect(page.get_by_role("button", name="Retirer chimie")).to_be_visible()

    visited: list[str] = []
    while focused(page) != "place-input" and len(visited) < 10:
        keyboard.press("Tab")
        visited.append(focused(page))
    assert visited[-1] == "place-input", visited
    assert "categories-button" in visited  # the accordion of interest categories
    pick_with_keys(page, "place-input", "Saint-Quent", "Saint-Quentin (02)")

    assert tab_order(page, 6) == [
        "voie-scolaire",
        "voie-apprentissage",
        "voie-formation_continue",
        "distance",
        "boarding",
        "submit",
    ]
    assert focus_is_visible(page)
    keyboard.press("Enter")
    expect(page.locator("#results-title")).to_be_focused()
    expect(page.locator("#cards > li").first).to_be_visible()
    screenshot(page, "7-clavier-resultats")

    # Tab to the first card's detail button and open it.
    for _ in range(12):
        keyboard.press("Tab")
        if focused(page) == "detail-0":
            break
    assert focused(page) == "detail-0"
    assert focus_is_visible(page)
    keyboard.press("Enter")
    expect(page.locator("#panel-title")).to_be_focused()
    title = page.locator("#panel-title").inner_text()
    expect(page.locator("#detail-whynot")).to_be_visible()
    for _ in range(40):
        keyboard.press("Tab")
        if focused(page) == "detail-whynot":
            break
    assert focused(page) == "detail-whynot"
    keyboard.press("Enter")
    expect(page.locator("#panel-title")).to_have_text(f"Pourquoi pas « {title} » ?")
    expect(page.locator("#panel-title")).to_be_focused()
    expect(page.locator("#panel-body")).to_contain_text("position sur")
    keyboard.press("Shift+Tab")
    assert focused(page) == "panel-back"
    keyboard.press("Enter")
    expect(page.locator("#detail-0")).to_be_focused()
    screenshot(page, "8-clavier-retour")
    assert problems.found == []


def test_campus_mode_shows_its_name_and_its_members_first_or_only(
    page: Any,
    live_server: LiveServer,
    problems: Problems,
    screenshot: Screenshot,
    axe_scan: AxeScan,
) -> None:
    expect = playwright_expect()
    campuses = _get_json(f"{live_server.url}/v1/campuses")
    campus = next(c for c in campuses if c["seat"]["insee"] == CAMPUS_SEAT)
    page.goto(f"/widget/?campus={campus['campus_id']}&partner=campus-test")
    expect(page.locator("#campus-name")).to_have_text(campus["name"])
    expect(page.get_by_label("Seulement les formations du campus")).not_to_be_checked()
    _fill_profile(page)

    page.get_by_role("button", name="Voir mes pistes").click()
    expect(page.locator("#cards > li").first).to_be_visible()
    members = page.locator("#cards article").evaluate_all(
        "cards => cards.map(card => card.dataset.member === 'true')"
    )
    assert members[0] is True
    assert members == sorted(members, reverse=True), "the campus's members come first"
    assert False in members, "without the toggle, other formations follow"
    expect(page.locator("#cards article").first.locator(".fr-badge")).to_contain_text(
        ["Membre du campus"]
    )
    axe_scan(page, "résultats campus")
    screenshot(page, "9-campus")

    page.get_by_role("button", name="Modifier mes réponses").click()
    page.get_by_text("Seulement les formations du campus").click()
    with page.expect_request("**/v1/recommendations") as sent:
        page.get_by_role("button", name="Voir mes pistes").click()
    profile = sent.value.post_data_json
    assert (profile["campus"], profile["campus_only"]) == (campus["campus_id"], True)
    expect(page.locator("#cards > li").first).to_be_visible()
    only = page.locator("#cards article").evaluate_all(
        "cards => cards.map(card => card.dataset.member === 'true')"
    )
    assert only and all(only)
    screenshot(page, "10-campus-seulement")

    assert problems.found == []
    assert _counts(live_server, "campus-test")[(campus["campus_id"], "recommendations")] == 2


def test_the_embed_snippet_creates_a_working_iframe(
    browser: Any, live_server: LiveServer, screenshot: Screenshot, axe_scan: AxeScan
) -> None:
    expect = playwright_expect()
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="fr-FR")
    page = context.new_page()
    problems = Problems(live_server.url)
    problems.watch(page)
    try:
        campus_id = "plasturgie-metallurgie-picardie"
        page.goto(f"{live_server.url}/widget/demo?campus={campus_id}&partner=demo-test")
        snippet = (
            f'<script src="{live_server.url}/widget.js" data-campus="{campus_id}" '
            'data-partner="demo-test" async></script>'
        )
        expect(page.locator("#script-snippet")).to_have_text(snippet)
        expect(page.locator("#iframe-snippet")).to_contain_text(
            f"{live_server.url}/widget/?campus={campus_id}&partner=demo-test"
        )
        frame_element = page.locator("iframe.orientation-widget")
        expect(frame_element).to_have_attribute(
            "src", f"{live_server.url}/widget/?campus={campus_id}&partner=demo-test"
        )
        # The iframe comes right after the script tag.
        assert frame_element.evaluate("f => f.previousElementSibling.tagName") == "SCRIPT"
        widget = page.frame_locator("iframe.orientation-widget")
        expect(widget.locator("#campus-name")).to_contain_text("Plasturgie")
        axe_scan(page, "page de démonstration")
        widget.get_by_label("Ta classe, ou ton dernier diplôme").select_option("3e")
        widget.locator("#place-input").fill("02691")
        widget.get_by_role("button", name="Voir mes pistes").click()
        expect(widget.locator("#cards > li").first).to_be_visible()
        # The iframe grows to the widget's height (postMessage), so nothing scrolls inside.
        expect(frame_element).not_to_have_attribute("style", re.compile(r"height: 900px"))
        frame_height = frame_element.evaluate("f => f.getBoundingClientRect().height")
        content_height = widget.locator("#widget").evaluate(
            "w => Math.ceil(w.getBoundingClientRect().height)"
        )
        assert abs(frame_height - content_height) <= 2
        screenshot(page, "11-demo-iframe")
        assert problems.found == []
    finally:
        context.close()
    assert _counts(live_server, "demo-test")[(campus_id, "recommendations")] == 1


def test_errors_are_shown_in_french_with_a_way_out(page: Any, problems: Problems) -> None:
    expect = playwright_expect()
    # A commune name several communes share: one button per commune, then the results.
    page.goto("/widget/?partner=college-test")
    page.get_by_label("Ta classe, ou ton dernier diplôme").select_option("3e")
    page.locator("#place-input").fill("Saint-Denis")
    page.get_by_role("button", name="Voir mes pistes").click()
    alert = page.locator("#messages .fr-alert--warning")
    expect(alert).to_contain_text("Plusieurs communes s'appellent « Saint-Denis »")
    expect(alert).to_contain_text("Choisis ta commune :")
    choice = alert.get_by_role("button", name="Saint-Denis (Seine-Saint-Denis)")
    expect(alert.get_by_role("button").first).to_be_focused()
    choice.click()
    expect(page.locator("#results-title")).to_be_focused()
    expect(page.locator("#understood")).to_contain_text("autour de Saint-Denis")
    assert [p for p in problems.found if "HTTP 409" not in p and "console" not in p] == []

    # A partner id that is not a slug: the API's French 422 names the header.
    page.goto("/widget/?partner=Mon%20Coll%C3%A8ge")
    page.get_by_label("Ta classe, ou ton dernier diplôme").select_option("3e")
    page.get_by_role("button", name="Voir mes pistes").click()
    alert = page.locator("#messages .fr-alert--error")
    expect(alert).to_contain_text("identifiant de partenaire")
    expect(alert).to_contain_text("X-Orientation-Partner")


def test_the_axe_scan_does_catch_violations(page: Any) -> None:
    """The accessibility check can fail: a form field without a label is a critical one."""
    from axe_playwright_python.sync_playwright import Axe

    page.set_content('<html lang="fr"><body><main><input type="text"></main></body></html>')
    violations = Axe().run(page).response["violations"]
    assert ("label", "critical") in {(v["id"], v["impact"]) for v in violations}


def test_the_detail_shows_the_open_days_and_says_plainly_they_are_past(
    page: Any, problems: Problems, screenshot: Screenshot, axe_scan: AxeScan
) -> None:
    """Bac pro cuisine at lycée Nicolas Appert (Orvault): ONISEP's 2025 open day, with its link."""
    expect = playwright_expect()
    formation_id = "0442094M-40022106-scolaire"
    page.goto("/widget/")
    page.get_by_label("Ta classe, ou ton dernier diplôme").select_option("3e")
    interest = page.get_by_role("combobox", name=re.compile("^Un métier, un domaine"))
    interest.press_sequentially("cuisine", delay=30)
    interest.press("Enter")
    expect(page.get_by_role("button", name="Retirer cuisine")).to_be_visible()
    pick(page, "Ta commune", "Orvaul", "Orvault (44)")
    with page.expect_response("**/v1/recommendations") as answer:
        page.get_by_role("button", name="Voir mes pistes").click()
    ids = [s["formation"]["formation_id"] for s in answer.value.json()["formations"]]
    with page.expect_response(f"**/v1/formations/{formation_id}") as detail:
        page.locator(f"#detail-{ids.index(formation_id)}").click()
    [open_day] = detail.value.json()["open_days"]
    assert open_day["past"] is True

    heading = page.get_by_role("heading", name="Journées portes ouvertes", exact=True)
    section = page.locator("#panel-body section", has=heading)
    expect(section).to_contain_text("Journées portes ouvertes 2025 (passées) :")
    expect(section.locator("li")).to_have_text(
        "Le 1 mars 2025 de 9h30 à 15h30 (Plus d'info : https://appert.paysdelaloire.e-lyco.fr/"
        " (nouvelle fenêtre))"
    )
    expect(section).to_contain_text("Les dates de cette année seront publiées par l'établissement")
    link = section.get_by_role("link")
    expect(link).to_have_attribute("href", open_day["url"])
    expect(link).to_have_attribute("rel", "noopener")
    expect(link).to_have_attribute("target", "_blank")
    axe_scan(page, "détail avec journées portes ouvertes")
    screenshot(page, "detail-portes-ouvertes")
    assert problems.found == []


def test_a_commune_picked_from_the_list_is_the_one_searched(page: Any, problems: Problems) -> None:
    """Rouen's INSEE code, 76540, is also the postcode of other communes: the widget sends the
    commune as it shows it ("Rouen (76)"), which the API cannot read as another one."""
    expect = playwright_expect()
    page.goto("/widget/")
    page.get_by_label("Ta classe, ou ton dernier diplôme").select_option("3e")
    pick(page, "Ta commune", "Rouen", "Rouen (76)")
    with page.expect_response("**/v1/recommendations") as answer:
        page.get_by_role("button", name="Voir mes pistes").click()
    assert answer.value.request.post_data_json["place"] == "Rouen (76)"
    assert answer.value.json()["understood"]["place"]["label"] == "Rouen"
    expect(page.locator("#understood")).to_contain_text("autour de Rouen")
    assert problems.found == []
