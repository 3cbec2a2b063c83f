"""Pydantic models of the API: query parameters in, answers out (one module per resource).

The docstrings of answer models are shown to people in /docs, hence written in French.
"""
