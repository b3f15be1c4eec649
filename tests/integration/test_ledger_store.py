"""The stored ledger: one valid chain under concurrent writer processes, and any
altered or deleted row is found by `govshare ledger verify`."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sqlalchemy import text

from adapters.storage.store import Store
from engine.ledger import verify_chain

WRITER = textwrap.dedent("""
    import pathlib, sys, time
    from adapters.storage.store import Store
    store = Store(sys.argv[1])
    # Start together: say "ready", then wait until every writer has (a fixed
    # start time is not enough on a loaded machine, where imports can outlast it).
    barrier = pathlib.Path(sys.argv[4])
    (barrier / sys.argv[2]).touch()
    deadline = time.time() + 120
    while len(list(barrier.iterdir())) < int(sys.argv[5]) and time.time() < deadline:
        time.sleep(0.005)
    for i in range(int(sys.argv[3])):
        store.transaction(lambda s: Store.append(s, "decision", f"{sys.argv[2]}-{i}", {"writer": sys.argv[2], "i": i},
                                                 policy_revision="sha256:p", law_version="gdsr@2025-08-01", data_revision="sha256:d"))
        # Give the CPU up between appends, as a request handler does: on a loaded
        # machine the scheduler could otherwise run one writer to the end first.
        time.sleep(0.001)
""")


def append(store: Store, n: int, prefix: str = "d") -> None:
    for i in range(n):
        store.transaction(lambda s: Store.append(s, "decision", f"{prefix}-{i}", {"i": i}, policy_revision="sha256:p",
                                                 law_version="gdsr@2025-08-01", data_revision="sha256:d"))


def test_appended_entries_form_a_valid_chain(db_url):
    store = Store(db_url)
    append(store, 20)
    assert verify_chain(store.ledger(batch=7)) == (20, None)


def test_two_processes_appending_at_once_keep_one_valid_chain(db_url, tmp_path):
    Store(db_url)  # migrate once before the writers start
    per_writer = 150
    names = ("a", "b")
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, db_url, name, str(per_writer), str(tmp_path), str(len(names))],
                                stderr=subprocess.PIPE)
               for name in names]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err.decode()
    store = Store(db_url)
    entries = list(store.ledger())
    assert verify_chain(entries) == (2 * per_writer, None)
    writers_seen = [e.body["writer"] for e in entries]
    assert writers_seen.count("a") == writers_seen.count("b") == per_writer
    if store.engine.dialect.name == "postgresql":
        # On PostgreSQL the writers really interleave, so the race is exercised.
        # (SQLite serialises writers with a file lock; one may drain first.)
        switches = sum(1 for x, y in zip(writers_seen, writers_seen[1:]) if x != y)
        assert switches >= 2


def test_altered_row_is_named(db_url):
    store = Store(db_url)
    append(store, 5)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE ledger SET ref = 'forged' WHERE seq = 3"))
    verified, broken = verify_chain(store.ledger())
    assert verified == 2 and (broken.seq, broken.reason) == (3, "hash")


def test_deleted_row_is_named(db_url):
    store = Store(db_url)
    append(store, 5)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM ledger WHERE seq = 4"))
    _, broken = verify_chain(store.ledger())
    assert (broken.seq, broken.reason) == (4, "gap")


def test_a_failed_write_leaves_nothing_behind(db_url):
    store = Store(db_url)

    def work(session):
        Store.append(session, "decision", "x", {}, policy_revision="p", law_version="l", data_revision="d")
        raise ValueError("the record could not be written")

    try:
        store.transaction(work)
    except ValueError:
        pass
    assert store.ledger_length() == 0


def test_a_body_changed_after_it_was_appended_is_stored_as_sealed(db_url):
    # The caller's dict is not copied (a deep copy of every decision cost more
    # than sealing it): the row must be written as the entry was sealed.
    store = Store(db_url)
    body = {"application": {"id": "a-1", "status": "received"}}

    def work(session):
        Store.append(session, "application", "a-1", body, policy_revision="p", law_version="l", data_revision="d")
        Store.append(session, "application", "a-1", body, policy_revision="p", law_version="l", data_revision="d")
        body["application"]["status"] = "changed afterwards"

    store.transaction(work)
    entries = list(store.ledger())
    assert [e.body["application"]["status"] for e in entries] == ["received", "received"]
    assert verify_chain(entries) == (2, None)
