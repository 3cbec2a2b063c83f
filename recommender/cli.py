"""Command line over the same engine calls as the API: ``python -m recommender --help``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from recommender import store
from recommender.api_keys import new_key
from recommender.catalogue import Catalogue, load_catalogue
from recommender.engine import Engine, Recommendations, Suggestion
from recommender.errors import ImportRejected, OrientationError, ProfileError
from recommender.geo import Places
from recommender.imports import import_offers, import_sessions
from recommender.model import MatchingModel
from recommender.profile import Profile
from recommender.recommend import recommend as run_recommend
from recommender.recommend import why_not as run_why_not
from recommender.routes import AdultProfile, RetrainingAdvisor
from recommender.schema import CATALOGUE_TABLES, COMMUNES
from recommender.sessions import SessionImport
from recommender.settings import Settings
from recommender.synthetic import generate_offers_from_tables

app = typer.Typer(
    help="Moteur d'orientation : catalogue des formations et des offres.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)


def _fail(error: OrientationError) -> None:
    errors.print(f"[bold red]Erreur :[/] {error}", highlight=False)
    raise typer.Exit(code=1)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


@app.command()
def load(
    force: Annotated[
        bool, typer.Option(help="recharger même si les fichiers n'ont pas changé")
    ] = False,
) -> None:
    """Charge le catalogue fourni (data/) et les campus dans la base, en une transaction."""
    settings = Settings()
    engine = store.create_engine(settings.database_url)
    totals = {t.name: 0 for t in CATALOGUE_TABLES}
    try:
        for table in CATALOGUE_TABLES:
            path = settings.data_dir / f"{table.name}.parquet"
            if path.is_file():
                totals[table.name] = pd.read_parquet(path, columns=[table.key[0]]).shape[0]
        with _progress() as progress:
            task = progress.add_task("Chargement du catalogue", total=sum(totals.values()))

            def advance(table_name: str, rows: int) -> None:
                progress.update(task, advance=rows, description=f"Chargement : {table_name}")

            result = load_catalogue(
                engine, settings.data_dir, settings.campuses_path, force=force, progress=advance
            )
    except OrientationError as error:
        _fail(error)
        return
    verb = "chargé" if result.status == "loaded" else "déjà à jour"
    console.print(f"Catalogue {verb} ({result.checksum[:12]}) dans {_safe_url(settings)}")
    _print_counts(result.counts)


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="sortie JSON")] = False) -> None:
    """Affiche les chiffres du catalogue en service."""
    settings = Settings()
    try:
        catalogue = Catalogue.from_store(store.create_engine(settings.database_url))
    except OrientationError as error:
        _fail(error)
        return
    counts = catalogue.counts()
    if as_json:
        console.print_json(json.dumps(counts))
        return
    _print_counts({k: v for k, v in counts.items() if isinstance(v, int)})
    by = ("formations_by_voie", "formations_by_level", "offers_by_source", "sessions_by_source")
    for key in by:
        console.print(f"{key} : {counts[key]}")


@app.command()
def place(
    query: Annotated[str, typer.Argument(help="code INSEE, code postal ou nom de commune")],
    departement: Annotated[str | None, typer.Option(help="département pour départager")] = None,
) -> None:
    """Trouve une commune (homonymes proposés)."""
    settings = Settings()
    try:
        engine = store.create_engine(settings.database_url)
        store.ensure_loaded(engine)
        communes = store.read_table(engine, COMMUNES)
        match = Places.from_frame(communes).resolve(query, departement=departement)
    except OrientationError as error:
        _fail(error)
        return
    commune = match.commune
    console.print(
        f"{commune.name} ({commune.departement}) — INSEE {commune.insee}, "
        f"codes postaux {' '.join(commune.postcodes)}, académie {commune.academie_name}, "
        f"{commune.region_name}, {commune.latitude}, {commune.longitude} [{match.matched_by}]"
    )
    for other in match.alternatives[:10]:
        console.print(f"  ou : {other.name} ({other.departement_name}) — INSEE {other.insee}")


@app.command("api-key")
def api_key(
    name: Annotated[str, typer.Argument(help="nom de l'appelant, p. ex. carif-hdf")],
) -> None:
    """Crée une clé d'API pour les opérations d'écriture et d'administration.

    La clé s'affiche une seule fois ; le service ne garde que son empreinte (SHA-256),
    à ajouter à ORIENTATION_API_KEYS.
    """
    try:
        key, entry = new_key(name)
    except ValueError as error:
        console.print(f"[red]Erreur :[/] {error}", highlight=False)
        raise typer.Exit(2) from error
    console.print(f"Clé (à transmettre à {name}, elle ne sera plus affichée) :", highlight=False)
    print(key)
    console.print(
        "Empreinte à ajouter à ORIENTATION_API_KEYS (liste JSON, p. ex. dans .env) :",
        highlight=False,
    )
    print(entry)


offers_app = typer.Typer(help="Offres de stage, d'apprentissage et de professionnalisation.")
app.add_typer(offers_app, name="offers")


@offers_app.command("import")
def offers_import(
    file: Annotated[Path, typer.Argument(help="fichier CSV ou JSON (voir docs/offers.md)")],
    source: Annotated[str, typer.Option(help="nom de la source, p. ex. « cfa-btp-2026 »")],
) -> None:
    """Importe des offres (tout ou rien ; réimporter remplace les offres de la même source)."""
    settings = Settings()
    engine = store.create_engine(settings.database_url)
    try:
        count = import_offers(engine, file, source)
    except OrientationError as error:
        _fail(error)
        return
    console.print(f"{count} offres importées depuis {file} (source « {source} »).")


@offers_app.command("generate")
def offers_generate(
    count: Annotated[int, typer.Option(min=1, max=1_000_000, help="nombre d'offres")] = 10_000,
    seed: Annotated[int, typer.Option(help="graine : même graine, mêmes offres")] = 2026,
) -> None:
    """Génère des offres fictives (source=synthetic) pour les démonstrations et mesures."""
    settings = Settings()
    engine = store.create_engine(settings.database_url)
    try:
        tables = store.read_catalogue(engine)
        offers = generate_offers_from_tables(count, seed=seed, tables=tables)
        written = store.replace_offers(engine, offers, source="synthetic")
    except OrientationError as error:
        _fail(error)
        return
    console.print(f"{written} offres fictives générées (source « synthetic », graine {seed}).")


sessions_app = typer.Typer(help="Sessions de formation continue (flux LHEO 2.2 ou CSV).")
app.add_typer(sessions_app, name="sessions")


@sessions_app.command("import")
def sessions_import(
    file: Annotated[
        Path, typer.Argument(help="flux LHEO 2.2 (.xml) ou CSV, voir docs/sessions.md")
    ],
    source: Annotated[str, typer.Option(help="nom de la source, p. ex. « carif-bretagne »")],
) -> None:
    """Importe des sessions : les enregistrements invalides sont écartés et signalés, les autres
    importés ; réimporter remplace toutes les sessions de la même source."""
    settings = Settings()
    engine = store.create_engine(settings.database_url)
    try:
        size = file.stat().st_size if file.is_file() else None
        with _progress() as progress:
            task = progress.add_task("Lecture des sessions (octets)", total=size)
            imported = import_sessions(
                engine, file, source, progress=lambda done: progress.update(task, completed=done)
            )
        result, count = imported.read, imported.count
    except ImportRejected as rejected:
        errors.print(
            f"[bold red]Erreur :[/] {rejected.file} : rien n'a été importé", highlight=False
        )
        for problem in rejected.errors:
            errors.print(f"  - {problem}", highlight=False)
        raise typer.Exit(code=1) from None
    except OrientationError as error:
        _fail(error)
        return
    console.print(
        f"{count} session(s) importée(s) depuis {file} (source « {source} ») ; "
        f"les sessions précédentes de cette source sont remplacées.",
        highlight=False,
    )
    _print_certification_matches(result)
    if result.rejected:
        console.print(
            f"[yellow]{result.rejected_records} enregistrement(s) écarté(s) :[/]", highlight=False
        )
        for problem in result.rejected:
            console.print(f"  - {problem}", highlight=False)


def _print_certification_matches(result: SessionImport) -> None:
    found = result.sessions["cert_match"].value_counts()
    ways = {"rncp": "par code RNCP", "cfd": "par CFD", "label": "par intitulé"}
    parts = [f"{int(found[how])} {label}" for how, label in ways.items() if how in found]
    missing = int(result.sessions["cert_match"].isna().sum())
    if missing:
        parts.append(
            f"{missing} hors du référentiel (gardées avec l'intitulé, le niveau "
            "et les codes ROME du fichier)"
        )
    console.print(f"Certifications des sessions : {', '.join(parts)}.", highlight=False)


@app.command()
def reconversion(
    job: Annotated[str, typer.Option("--metier", help="métier actuel : intitulé ou code ROME")],
    place: PlaceOption = None,
    experience: Annotated[
        float, typer.Option("--experience", min=0, max=50, help="années d'expérience")
    ] = 0.0,
    diploma: Annotated[str, typer.Option("--diplome", help="plus haut diplôme")] = "sans diplôme",
    age: Annotated[int | None, typer.Option("--age", min=16, max=75)] = None,
    status: Annotated[
        str, typer.Option("--statut", help="demandeur_emploi, salarie ou autre")
    ] = "autre",
    radius: RadiusOption = 30.0,
    target: Annotated[
        list[str], typer.Option("--vise", help="métier visé (répétable) ; sinon proposés")
    ] = [],  # noqa: B006
    evenings: Annotated[bool, typer.Option("--soir", help="cours du soir souhaités")] = False,
    part_time: Annotated[bool, typer.Option("--temps-partiel")] = False,
    remote: Annotated[bool, typer.Option("--distance", help="formation à distance")] = False,
    k: Annotated[int, typer.Option("--k", min=1, max=10, help="nombre de métiers")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON")] = False,
) -> None:
    """Pour un adulte : métiers accessibles depuis le sien, et la VAE, la formation et le
    contrat pour y aller."""
    settings = Settings()
    try:
        if not place:
            raise ProfileError("place", "indiquez votre commune (--place)")
        profile = AdultProfile(
            current_job=job,
            place=place,
            years_experience=experience,
            diploma=diploma,
            age=age,
            status=status,  # type: ignore[arg-type]  # checked by AdultProfile
            radius_km=radius,
            targets=tuple(target),
            evenings=evenings,
            part_time=part_time,
            distance_learning=remote,
            k=k,
        )
        result = RetrainingAdvisor(_engine(settings)).advise(profile)
    except OrientationError as error:
        _fail(error)
        return
    if as_json:
        console.print_json(json.dumps(result.as_dict(), default=str, ensure_ascii=False))
        return
    console.print(
        f"Depuis le métier de {result.current.name} ({result.current.code_rome}), "
        f"{result.standing.label}, autour de {result.origin.label} :",
        highlight=False,
    )
    for notice in result.notices:
        console.print(f"[yellow]{notice.message}[/]", highlight=False)
    for item in result.targets:
        gap = item.target.gap
        console.rule(f"{item.target.label} ({item.target.code_rome}) · {gap.share:.0%} acquis")
        for reason in item.target.reasons:
            console.print(f"  {reason.text}", highlight=False)
        table = Table("voie", "possible", "quoi", "où", show_lines=True)
        for route in item.routes:
            where = "\n".join(
                f"{p.establishment}, {p.commune or ''} ({p.distance_km:g} km) : {p.evidence_text}"
                for p in route.places
                if p.distance_km is not None
            )
            offers = "\n".join(f"offre : {o['title']}, {o['commune']}" for o in route.offers)
            others = "\n".join(
                f"aussi : {a['label']} ({a['establishment']}, {a['distance_km']:g} km)"
                for a in route.alternatives
            )
            table.add_row(
                route.kind,
                "oui" if route.available else "non",
                f"{route.title}\n{route.summary}",
                "\n".join(part for part in (where, offers, others) if part),
            )
        console.print(table)


def _engine(settings: Settings) -> Engine:
    with console.status("Chargement du catalogue et du modèle…"):
        catalogue = Catalogue.from_store(store.create_engine(settings.database_url))
        return Engine(catalogue, MatchingModel.load(settings.model_path))


def _profile_from_options(
    level: str,
    interests: list[str],
    place: str | None,
    radius: float,
    area: str,
    voies: list[str],
    campus: str | None,
    boarding: bool,
) -> Profile:
    return Profile(
        level=level,
        interests=tuple(interests),
        place=place,
        radius_km=radius,
        area=area,  # type: ignore[arg-type]
        voies=tuple(voies),
        campus=campus,
        boarding=boarding,
    )


LevelOption = Annotated[str, typer.Option("--level", help="niveau : 3e, CAP, bac pro, BTS…")]
InterestsOption = Annotated[
    list[str], typer.Option("--interests", help="centre d'intérêt, métier ou code ROME")
]
PlaceOption = Annotated[
    str | None, typer.Option("--place", help="commune, code postal ou code INSEE")
]
RadiusOption = Annotated[float, typer.Option("--radius", min=1, max=300, help="rayon (km)")]
AreaOption = Annotated[str, typer.Option("--area", help="rayon, departement ou region")]
VoieOption = Annotated[
    list[str], typer.Option("--voie", help="scolaire, apprentissage, formation_continue")
]
CampusOption = Annotated[str | None, typer.Option("--campus", help="identifiant de campus")]
BoardingOption = Annotated[bool, typer.Option("--internat", help="internat envisageable")]


@app.command()
def recommend(
    level: LevelOption,
    interests: InterestsOption = [],  # noqa: B006 (typer reads the default, never mutates it)
    place: PlaceOption = None,
    radius: RadiusOption = 30.0,
    area: AreaOption = "rayon",
    voie: VoieOption = [],  # noqa: B006
    campus: CampusOption = None,
    boarding: BoardingOption = False,
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="nombre de formations")] = 10,
    offers_k: Annotated[int, typer.Option("--offers", min=0, max=50, help="nombre d'offres")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON")] = False,
) -> None:
    """Propose des formations et des offres pour un profil, avec leurs raisons."""
    settings = Settings()
    try:
        profile = _profile_from_options(
            level, interests, place, radius, area, voie, campus, boarding
        )
        result = run_recommend(_engine(settings), profile, k=k, offers_k=offers_k)
    except OrientationError as error:
        _fail(error)
        return
    if as_json:
        console.print_json(json.dumps(_plain(result), default=str, ensure_ascii=False))
        return
    for notice in result.notices:
        console.print(f"[yellow]{notice.message}[/]")
    with_sessions = any(s.item.get("sessions") for s in result.formations)
    columns = ["#", "formation", "établissement", "lieu", "km", "voie", "niv.", "raisons"]
    table = Table(*columns, *(["sessions"] if with_sessions else []), show_lines=True)
    for suggestion in result.formations:
        item = suggestion.item
        cells = [
            str(suggestion.rank),
            item["certification"]["label"] or item["label"],
            item["establishment"]["name"] or item["uai"],
            item["commune_name"] or "",
            "" if suggestion.distance_km is None else f"{suggestion.distance_km:.0f}",
            item["voie"],
            str(item["level"] or ""),
            "\n".join(r.text for r in suggestion.reasons if r.positive)[:400],
        ]
        if with_sessions:
            cells.append("\n".join(_session_line(s) for s in item.get("sessions", [])[:3]))
        table.add_row(*cells)
    console.print(table)
    if result.offers:
        offers = Table("#", "offre", "employeur", "lieu", "km", "type")
        for suggestion in result.offers:
            item = suggestion.item
            offers.add_row(
                str(suggestion.rank),
                item["title"],
                item["employer_name"],
                item["commune_name"] or "",
                "" if suggestion.distance_km is None else f"{suggestion.distance_km:.0f}",
                item["kind"] + (" (fictive)" if item["synthetic"] else ""),
            )
        console.print(offers)


@app.command("why-not")
def why_not_command(
    formation_id: Annotated[str, typer.Argument(help="identifiant de la formation")],
    level: LevelOption,
    interests: InterestsOption = [],  # noqa: B006
    place: PlaceOption = None,
    radius: RadiusOption = 30.0,
    area: AreaOption = "rayon",
    voie: VoieOption = [],  # noqa: B006
    campus: CampusOption = None,
    boarding: BoardingOption = False,
) -> None:
    """Explique pourquoi une formation est mal classée ou exclue pour ce profil."""
    settings = Settings()
    try:
        profile = _profile_from_options(
            level, interests, place, radius, area, voie, campus, boarding
        )
        answer = run_why_not(_engine(settings), profile, formation_id)
    except OrientationError as error:
        _fail(error)
        return
    status = "exclue" if answer.excluded else f"classée {answer.rank} sur {answer.eligible_count}"
    console.print(f"{answer.item['label']} — {answer.item['establishment']['name']} : {status}")
    for reason in answer.reasons:
        mark = "+" if reason.positive else "−"
        console.print(f"  {mark} {reason.text}")


def _session_line(session: dict[str, object]) -> str:
    """« 01/09/2015 → 31/08/2017, temps plein (passée) »."""
    dates = " → ".join(
        "/".join(reversed(str(value).split("-")))
        for value in (session["start_date"], session["end_date"])
        if value
    )
    schedule = f", {str(session['schedule']).lower()}" if session["schedule"] else ""
    return f"{dates}{schedule} ({session['status_label']})"


def _plain(result: Recommendations) -> dict[str, object]:
    def suggestion(s: Suggestion) -> dict[str, object]:
        return {
            "rank": s.rank,
            "score": s.score,
            "distance_km": s.distance_km,
            "sub_scores": s.sub_scores,
            "reasons": [asdict(r) for r in s.reasons],
            "item": s.item,
            "paired_offers": s.paired_offers,
        }

    return {
        "notices": [asdict(n) for n in result.notices],
        "radius_km": result.radius_km,
        "formations": [suggestion(s) for s in result.formations],
        "offers": [suggestion(s) for s in result.offers],
    }


def _print_counts(counts: dict[str, int]) -> None:
    table = Table("table", "lignes")
    for name, value in counts.items():
        table.add_row(name, f"{value:,}".replace(",", " "))
    console.print(table)


def _safe_url(settings: Settings) -> str:
    """The database URL without its password (never print secrets)."""
    from sqlalchemy import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


def main() -> None:
    app()
