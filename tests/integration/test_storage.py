"""The catalogue store works the same on SQLite (the default) and PostgreSQL."""

from __future__ import annotations

import pytest
from adapters.storage.store import StorageError, Store, demo_catalog


@pytest.fixture
def store(db_url):
    return Store(db_url)


def test_demo_catalogue_covers_departments_and_all_share_attributes():
    entries, grants = demo_catalog()
    assert len(entries) >= 20
    assert len({e.provider for e in entries}) >= 8
    assert {e.share_attribute.value for e in entries} == {"unconditional", "conditional", "not_shareable"}
    assert len({e.id for e in entries}) == len(entries)
    ids = {e.id for e in entries}
    assert all(g.dataset in ids for g in grants)


def test_seed_loads_once_and_reads_back_identically(store):
    entries, grants = demo_catalog()
    assert store.seed_demo() == len(entries)
    assert store.seed_demo() == 0  # never seeds over existing data
    assert store.catalog() == sorted(entries, key=lambda e: e.id)
    assert store.grants() == sorted(grants, key=lambda g: g.id)


def test_data_revision_follows_content(store):
    store.seed_demo()
    before = store.snapshot().revision
    assert store.snapshot().revision == before
    entry = store.catalog()[0]
    store.put_catalog([entry.model_copy(update={"name": entry.name + "（更新）"})])
    assert store.snapshot().revision != before


def test_unreachable_database_is_a_clear_error():
    with pytest.raises(StorageError) as caught:
        Store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert "cannot open the database" in str(caught.value)
