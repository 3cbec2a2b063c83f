"""Browsing the catalogue: filter, sort and page formations and offers; describe campuses.

:class:`BrowseIndex` joins, once, every formation with its establishment, its
certification and its commune (and every offer with its commune and job), and
folds the labels that ``q`` searches; a query then costs a few vectorised
comparisons over the whole catalogue. Results are plain dictionaries shaped like
the API's answers, so the HTTP layer only validates them.
"""

from recommender.browse.campuses import campus_detail, campus_summaries
from recommender.browse.formations import (
    FormationQuery,
    find_formations,
    formation_detail,
    vintage_note,
)
from recommender.browse.index import BrowseIndex, Near, Page, locate
from recommender.browse.offers import OfferQuery, find_offers

__all__ = [
    "BrowseIndex",
    "FormationQuery",
    "Near",
    "OfferQuery",
    "Page",
    "campus_detail",
    "campus_summaries",
    "find_formations",
    "find_offers",
    "formation_detail",
    "locate",
    "vintage_note",
]
