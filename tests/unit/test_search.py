"""engine/search.py over fake ports: a page of a large catalogue stops after
MAX_SCAN entries with a place to go on from, rather than deciding every entry."""

from __future__ import annotations

from datetime import datetime, timezone

from engine import search
from engine.models import AccessEvent, CatalogEntry, Decision


class _Ports:
    def __init__(self, size: int, allowed: set[str]):
        self.entries = [CatalogEntry(id=f"ds-{i:05d}", name=f"数据{i}", provider="某局", share_attribute="unconditional")
                        for i in range(size)]
        self.allowed = allowed
        self.trials: list[str] = []

    def catalogue(self):
        return self.entries

    def grants(self):
        return []

    def trial(self, event: AccessEvent) -> Decision:
        self.trials.append(event.dataset)
        now = datetime(2026, 3, 2, tzinfo=timezone.utc)
        ok = event.dataset in self.allowed
        return Decision(decision_id="t", allow=ok, outcome="allow" if ok else "deny", policy_revision="p",
                        data_revision="d", law_version="gdsr", evaluated_at=now, event_at=now)


def _question() -> AccessEvent:
    return AccessEvent.model_validate({"action": "use", "at": "2026-03-02T10:00:00+08:00",
                                       "requester": {"department": "示范区民政局"}, "purpose": "社会救助资格审核"})


def test_a_permitted_page_stops_after_max_scan_entries_and_says_where_to_go_on():
    ports = _Ports(search.MAX_SCAN * 2 + 7, allowed=set())
    page = search.resources_for(ports, _question(), offset=0, limit=10, include="permitted")
    assert page.results == []
    assert page.next_offset == search.MAX_SCAN
    assert len(ports.trials) == search.MAX_SCAN
    last = search.resources_for(ports, _question(), offset=search.MAX_SCAN * 2, limit=10, include="permitted")
    assert last.next_offset is None


def test_a_full_page_stops_as_soon_as_it_is_full():
    ports = _Ports(50, allowed=set())
    page = search.resources_for(ports, _question(), offset=0, limit=5, include="all")
    assert [a.entry.id for a in page.results] == [f"ds-{i:05d}" for i in range(5)]
    assert page.next_offset == 5
    assert all(a.status == "not_shareable" for a in page.results)
