"""Build the establishments and formations tables from the offer sources.

One formation is one (establishment UAI, certification, voie). The sources
(Affelnet voie pro 2021-2022, Parcoursup BTS 2022-2024, Parcoursup 2025 with GPS,
the 2020 apprenticeship feeds) are read into offer rows
(:mod:`data.build.formations`), tied to the certifications table by CFD, else
RNCP, else (Parcoursup labels only) by an exact folded label, then merged:
capacity and demand of the latest vintage that publishes them, every source and
year recorded. Rows whose certification is unknown are counted and dropped; the
counts travel in ``formations.attrs["build"]`` for the build report.
"""

from __future__ import annotations

import pandas as pd

from data.build.commune_index import CommuneIndex
from data.build.establishments import (
    CONTINUING_EDUCATION_NAF,
    build_establishments,
    catalogue_by_siret,
    read_establishment_facts,
)
from data.build.formations import (
    read_apprenticeship_actions,
    read_apprenticeship_union,
    read_bts,
    read_families,
    read_mefs,
    read_parcoursup_gps,
    read_voie_pro,
)
from data.build.labels import match_labels
from data.build.outcomes import attach_outcomes, read_cfa_parents, read_outcomes
from data.build.report import BuildLog
from data.build.sources import Sources
from recommender.schema import ESTABLISHMENTS, FORMATIONS

KEY = ["uai", "cert_id", "voie"]


def build_offerings(
    sources: Sources, communes: pd.DataFrame, certifications: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Build ``establishments`` and ``formations`` (schema ESTABLISHMENTS and FORMATIONS).

    Examples
    --------
    >>> tables = build_offerings(Sources(root), communes, certifications)  # doctest: +SKIP
    >>> tables["formations"].loc[0, "formation_id"]  # doctest: +SKIP
    '0010001W-40020006-scolaire'
    """
    log = BuildLog()
    index = CommuneIndex(communes)
    mefs = read_mefs(sources)
    offers = pd.concat(
        [
            *(read_voie_pro(sources, year, mefs, log) for year in (2021, 2022)),
            *(read_bts(sources, year, mefs, log) for year in (2022, 2023, 2024)),
            read_parcoursup_gps(sources, log),
            read_apprenticeship_actions(sources, log),
            read_apprenticeship_union(sources, log),
        ],
        ignore_index=True,
    )
    facts_from_offers = offer_facts(offers, catalogue_by_siret(sources))
    offers = match_labels(offers, certifications, log)
    offers = resolve_families(offers, read_families(sources), certifications, log)
    formations = merge_offers(attach_certifications(offers, certifications, log), log)
    outcomes = read_outcomes(sources)
    facts = pd.concat(
        [read_establishment_facts(sources, index), facts_from_offers, outcome_facts(outcomes)],
        ignore_index=True,
    )
    # Continuing-education bodies have no sessions here, but people can still find them.
    adult = facts["source"].eq("catalogue_2022") & facts["naf"].eq(CONTINUING_EDUCATION_NAF)
    adult = adult.fillna(False).astype(bool)
    continuing = facts.loc[adult, "uai"].drop_duplicates()
    log.notes["établissements : organismes de formation continue sans formation listée"] += int(
        (~continuing.isin(formations["uai"])).sum()
    )
    # Universities and écoles of Parcoursup stay findable (and can be campus members) even
    # when none of their programmes maps to a certification yet (licences, CPGE, …).
    higher = facts.loc[facts["source"].eq("parcoursup_2025").fillna(False).astype(bool), "uai"]
    higher = higher.drop_duplicates()
    log.notes["établissements : Parcoursup 2025 sans formation certifiante reconnue"] += int(
        (~higher.isin(formations["uai"]) & ~higher.isin(continuing)).sum()
    )
    uais = pd.concat([formations["uai"], continuing, higher])
    establishments = build_establishments(uais, facts, index, log)
    unnamed = establishments["name"].isna()
    log.dropped["établissements sans nom ni lieu dans aucune source"] += int(unnamed.sum())
    establishments = establishments[~unnamed]
    kept = formations["uai"].isin(establishments["uai"])
    log.dropped["formations de ces établissements sans nom"] += int((~kept).sum())
    formations = place_formations(formations[kept], establishments, index, log)
    formations = attach_outcomes(formations, outcomes, read_cfa_parents(sources), log)
    formations = formations[FORMATIONS.column_names].reset_index(drop=True)
    formations.attrs["build"] = log.as_dict()
    return {
        "establishments": establishments[ESTABLISHMENTS.column_names].reset_index(drop=True),
        "formations": formations,
    }


def resolve_families(
    offers: pd.DataFrame, families: pd.DataFrame, certifications: pd.DataFrame, log: BuildLog
) -> pd.DataFrame:
    """Decide what a 2de pro 'famille de métiers' offer becomes.

    It stays a formation of the family's common CFD when the certifications table
    knows that CFD. Otherwise the row is dropped: the lycée's specialities of the
    family are formations of their own (its 1re pro offers), and giving the lycée
    every speciality of the family would invent programmes it may not run.
    """
    commons = set(families["cfd_common"])
    kept_as_cert = commons & set(certifications["cfd"].dropna())
    from_voie_pro = offers["source"].str.startswith("voie_pro")
    log.notes["2de pro famille de métiers : formation du CFD commun"] += int(
        (offers["cfd"].isin(kept_as_cert) & from_voie_pro).sum()
    )
    is_family = offers["cfd"].isin(commons - kept_as_cert) & from_voie_pro
    specialities = families.groupby("cfd_common")["cfd_speciality"].agg(set)
    listed = offers.groupby("uai")["cfd"].agg(set)
    for source, uai, cfd in offers.loc[is_family, ["source", "uai", "cfd"]].itertuples(index=False):
        has_speciality = bool(specialities[cfd] & listed.get(uai, set()))
        reason = (
            "spécialités listées par le lycée" if has_speciality else "aucune spécialité listée"
        )
        log.dropped[f"{source}: 2de pro famille de métiers hors certifications ({reason})"] += 1
    return offers[~is_family]


def attach_certifications(
    offers: pd.DataFrame, certifications: pd.DataFrame, log: BuildLog
) -> pd.DataFrame:
    """Join each offer to its certification by CFD, else RNCP; count and drop the rest.

    Adds ``cert_id``, ``level`` and ``cert_label`` and takes ``cfd``/``rncp`` from
    the certifications table. An RNCP code shared by several certifications names
    none of them. The most frequent unknown codes per source go to
    ``log.missing_certifications`` (to widen the certifications build).
    """
    by_cfd = certifications.dropna(subset=["cfd"]).drop_duplicates("cfd").set_index("cfd")
    by_rncp = certifications.dropna(subset=["rncp"]).drop_duplicates("rncp", keep=False)
    cert_id = offers["cfd"].map(by_cfd["cert_id"])
    cert_id = cert_id.fillna(offers["rncp"].map(by_rncp.set_index("rncp")["cert_id"]))
    unknown = cert_id.isna()
    for source, group in offers[unknown].groupby("source"):
        log.dropped[f"{source}: certification absente de la table des certifications"] += len(group)
        codes = group["cfd"].fillna(group["rncp"]).value_counts().head(10)
        log.missing_certifications[str(source)] = [[str(c), int(n)] for c, n in codes.items()]
    out = offers[~unknown].copy()
    cert = certifications.set_index("cert_id").reindex(cert_id[~unknown])
    out["cert_id"] = cert.index.to_numpy()
    for column, source_column in (("cfd", "cfd"), ("rncp", "rncp"), ("cert_label", "label")):
        out[column] = cert[source_column].to_numpy()
    out["level"] = pd.array(cert["level"].to_numpy(), dtype="Int64")
    return out


def merge_offers(offers: pd.DataFrame, log: BuildLog) -> pd.DataFrame:
    """One row per (uai, cert_id, voie): latest capacity and demand, all sources and years.

    Within one file, sections of the same programme add up, and a programme
    offered both in its first and a later year (2de and 1re pro) counts its entry
    year only. Across files the latest vintage publishing a capacity or a demand
    wins. Labels are the latest as published, except that Parcoursup 2025's export
    lost accents and hyphens, so it names only formations no other file names.
    """
    entry = offers.groupby([*KEY, "source"])["entry_year"].transform("min")
    firsts = offers[offers["entry_year"].isna() | offers["entry_year"].eq(entry).fillna(False)]
    per_file = firsts.groupby([*KEY, "source", "year"], as_index=False)[["capacity", "demand"]].sum(
        min_count=1
    )
    counted = per_file.dropna(subset=["capacity", "demand"], how="all")
    counted = counted.sort_values("year", ascending=False).drop_duplicates(KEY).set_index(KEY)
    ordered = offers.sort_values(["year", "source"], ascending=[False, True], kind="stable")
    merged = (
        ordered.groupby(KEY, sort=False)
        .agg(
            cfd=("cfd", "first"),
            rncp=("rncp", "first"),
            level=("level", "first"),
            cert_label=("cert_label", "first"),
            source=("source", lambda s: "+".join(dict.fromkeys(s))),
            vintage=("year", lambda s: years_label(set(s))),
        )
        .reset_index()
    )
    gps_last = ordered.sort_values("source", key=lambda s: s.eq("parcoursup_2025"), kind="stable")
    labels = gps_last.dropna(subset=["label"]).drop_duplicates(KEY).set_index(KEY)["label"]
    # The place: the latest row with a point, else the latest row with a commune.
    located = ordered["latitude"].notna() & ordered["longitude"].notna()
    placed = pd.concat([ordered[located], ordered[~located & ordered["insee"].notna()]])
    several = placed.groupby(KEY)["insee"].nunique() > 1
    log.notes["formations à plusieurs lieux dans la source (premier lieu gardé)"] += int(
        several.sum()
    )
    placed = placed.drop_duplicates(KEY).set_index(KEY)[["latitude", "longitude", "insee"]]
    merged = merged.join(placed, on=KEY).join(labels, on=KEY)
    merged = merged.join(counted[["capacity", "demand"]], on=KEY)
    merged["label"] = merged["label"].fillna(merged["cert_label"])
    merged["formation_id"] = merged["uai"] + "-" + merged["cert_id"] + "-" + merged["voie"]
    return merged.drop(columns="cert_label")


def place_formations(
    formations: pd.DataFrame, establishments: pd.DataFrame, index: CommuneIndex, log: BuildLog
) -> pd.DataFrame:
    """Give every formation a commune and a point, and say how precise the point is.

    A point published with the offer (apprenticeship place of training, Parcoursup
    GPS) is exact. Otherwise the formation is taught at its establishment: the
    establishment's exact point when the offer names no other commune, else the
    centre of the offer's commune, else wherever the establishment is placed.
    """
    out = formations.copy()
    published = out["insee"]
    out["insee"] = published.map(index.resolve).astype("string")
    log.notes["formations : commune de la source absente du COG (lieu de l'établissement)"] += int(
        (published.notna() & out["insee"].isna()).sum()
    )
    establishment = establishments.set_index("uai").reindex(out["uai"])
    establishment.index = out.index
    exact = out["latitude"].notna() & out["longitude"].notna()
    # Comparisons with a missing value are NA under pandas' string dtype: NA means no.
    same_commune = (out["insee"] == establishment["insee"]).fillna(False).astype(bool)
    establishment_exact = establishment["location_precision"].eq("exact").fillna(False)
    at_establishment = ~exact & (out["insee"].isna() | same_commune) & establishment_exact
    centre_lat, centre_lon = index.centre(out["insee"].fillna(""))
    at_centre = ~exact & ~at_establishment & centre_lat.notna()
    elsewhere = ~exact & ~at_establishment & ~at_centre
    out["location_precision"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out.loc[exact | at_establishment, "location_precision"] = "exact"
    out.loc[at_centre, "location_precision"] = "commune"
    out.loc[elsewhere, "location_precision"] = establishment.loc[elsewhere, "location_precision"]
    for column, centre in (("latitude", centre_lat), ("longitude", centre_lon)):
        out.loc[at_establishment | elsewhere, column] = establishment[column]
        out.loc[at_centre, column] = centre
    out["insee"] = out["insee"].fillna(establishment["insee"])
    return out


def years_label(years: set[int]) -> str:
    """Compress years into ranges.

    >>> years_label({2022, 2023, 2024})
    '2022-2024'
    >>> years_label({2020, 2022, 2023})
    '2020+2022-2023'
    """
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return "+".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def offer_facts(offers: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Establishment facts carried by the offer files (Parcoursup names and points, 2020 feed)."""
    gps = offers[offers["source"] == "parcoursup_2025"]
    points = gps.groupby(["uai", "latitude", "longitude"]).size().rename("n").reset_index()
    points = points.sort_values("n", ascending=False).drop_duplicates("uai").set_index("uai")
    named = gps.drop_duplicates("uai").set_index("uai")["establishment_name"].rename("name")
    parcoursup = pd.DataFrame(named).join(points[["latitude", "longitude"]]).reset_index()
    actions = offers[offers["source"] == "apprentissage_2020"].drop_duplicates("uai")
    feed = pd.DataFrame(
        {
            "uai": actions["uai"],
            "siret": actions["siret"],
            "insee": actions["establishment_insee"],
            "name": actions["siret"].map(catalogue.set_index("siret")["name"]),
        }
    )
    return pd.concat(
        [parcoursup.assign(source="parcoursup_2025"), feed.assign(source="apprentissage_2020")],
        ignore_index=True,
    )


def outcome_facts(outcomes: pd.DataFrame) -> pd.DataFrame:
    """InserJeunes names (written for people), latest vintage first; CFA rows mark CFAs."""
    named = outcomes.sort_values("outcomes_vintage", ascending=False).drop_duplicates("uai")
    facts = pd.DataFrame({"uai": named["uai"], "source": "inserjeunes", "name": named["name"]})
    cfa = outcomes.loc[outcomes["priority"] == 0, ["uai"]].assign(source="inserjeunes_cfa")
    return pd.concat([facts, cfa], ignore_index=True)
