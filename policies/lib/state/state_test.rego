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

test_dataset_name_is_catalogue_name if {
	state.dataset_name == "stored" with input as {"dataset": "ds-a"} with data.govshare as stored
}

test_dataset_name_falls_back_to_id if {
	state.dataset_name == "ds-unknown" with input as {"dataset": "ds-unknown"} with data.govshare as stored
}

test_use_actions if {
	state.use_actions == {"use", "transfer"}
}

test_event_date_in_beijing if {
	state.event_date == "2026-07-01" with input as {"at": "2026-06-30T20:00:00Z"}
}

test_event_date_with_beijing_offset if {
	state.event_date == "2026-06-30" with input as {"at": "2026-06-30T23:59:59+08:00"}
}

test_event_date_without_offset if {
	state.event_date == "2026-06-30" with input as {"at": "2026-06-30T10:00:00"}
}

test_event_date_absent if {
	not state.event_date with input as {"action": "use"}
}

test_entry_name if {
	state.entry_name == "新目录" with input as {"action": "catalog", "entry": {"id": "ds-new", "name": "新目录"}}
}

test_entry_name_falls_back_to_id if {
	state.entry_name == "ds-new" with input as {"action": "catalog", "entry": {"id": "ds-new"}}
}

test_dataset_name_when_none_given if {
	state.dataset_name == "unspecified" with input as {"action": "use"} with data.govshare as stored
}
