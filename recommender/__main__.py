"""``python -m recommender``: the command line."""

from recommender.cli import main

main()
