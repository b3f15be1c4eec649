"""`masked` reports, as OPA's decision log does, the JSON pointer of every value
the ledger masked: wildcards resolved, absent paths left out, RFC 6901 escapes."""

from engine.ledger import MASKED, mask, masked


def test_masked_lists_each_replaced_value_as_a_json_pointer_in_document_order():
    document = {"requester": {"department": "民政局", "region": "419001"}, "fields": ["name", "id_number"],
                "facts": {"a/b": 1, "c~d": 2}}
    result, pointers = masked(document, ["/requester/region", "/fields/*", "/missing/path", "/facts/*"], "/input")
    assert pointers == ["/input/requester/region", "/input/fields/0", "/input/fields/1", "/input/facts/a~1b", "/input/facts/c~0d"]
    assert result == mask(document, ["/requester/region", "/fields/*", "/missing/path", "/facts/*"])
    assert result["requester"]["region"] == MASKED and document["requester"]["region"] == "419001"


def test_nothing_to_mask_reports_no_pointer_and_a_path_masked_twice_once():
    document = {"inline": {"grant": {"id": "g-1"}}}
    assert masked(document, []) == (document, [])
    assert masked(document, ["/absent"])[1] == []
    assert masked(document, ["/inline", "/inline/grant", "/inline"])[1] == ["/inline"]
