package lib.state_test

import rego.v1

import data.lib.state

stored := {"catalog": {"ds-a": {"id": "ds-a", "name": "stored"}}, "grants": {"g-1": {"id": "g-1", "status": "active"}}}

test_stored_dataset_is_found if {
	state.dataset.name == "stored" with input as {"dataset": "ds-a"} with data.govshare as stored
}

test_inline_never_overrides_stored if {
	state.dataset.name == "stored" with input as {"dataset": "ds-a", "inline": {"dataset": {"id": "ds-a", "name": "inline"}}}
		with data.govshare as stored
}

test_inline_dataset_used_when_not_stored if {
	state.dataset.name == "inline" with input as {"dataset": "ds-x", "inline": {"dataset": {"id": "ds-x", "name": "inline"}}}
		with data.govshare as stored
}

test_inline_with_other_id_is_ignored if {
	not state.dataset with input as {"dataset": "ds-y", "inline": {"dataset": {"id": "ds-x", "name": "inline"}}}
		with data.govshare as stored
}

test_stored_grant_wins if {
	state.grant.status == "active" with input as {"grant": "g-1", "inline": {"grant": {"id": "g-1", "status": "suspended"}}}
		with data.govshare as stored
}
