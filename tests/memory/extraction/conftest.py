"""Fixtures of the extraction tests: pure Python, no database, no network."""

import pytest

from memory.extraction.rules import RulesExtractor


@pytest.fixture(scope="module")
def extractor():
    return RulesExtractor()
