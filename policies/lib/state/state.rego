# Shared helpers: the state an event refers to. What govshare stores always
# wins over state the platform sends inline under the same id.
package lib.state

import rego.v1

dataset := entry if {
	entry := data.govshare.catalog[input.dataset]
} else := input.inline.dataset if {
	not stored_dataset
	input.inline.dataset.id == input.dataset
}

grant := record if {
	record := data.govshare.grants[input.grant]
} else := input.inline.grant if {
	not stored_grant
	input.inline.grant.id == input.grant
}

# Negated through rules: OPA evaluates a computed key (`input.dataset`) before
# a `not data.…[input.dataset]`, so the `not` would not mean the same there.
stored_dataset if data.govshare.catalog[input.dataset]

stored_grant if data.govshare.grants[input.grant]

# Actions by which a department obtains or handles another department's data.
sharing_actions := {"apply", "reply", "deliver", "use", "transfer", "return", "verify"}

# Whether the providing department takes this step of sharing (its liability
# is art 39's; the requesting department's art 40's). A verification request
# is filed by the requester and handled by the provider: who acts decides.
provider_acts if input.action in {"reply", "deliver", "return"}

provider_acts if {
	input.action == "verify"
	input.requester.department == dataset.provider
}

# Actions by which a requesting department puts shared data to use: using it
# itself, or passing it on.
use_actions := {"use", "transfer"}

# How a rule names the dataset in its facts: the catalogue name when the entry
# resolves, the id the event gave otherwise.
# "unspecified" when the event names no dataset at all.
dataset_name := dataset.name if {
	is_string(dataset.name)
	dataset.name != ""
} else := input.dataset if {
	is_string(input.dataset)
	input.dataset != ""
} else := "unspecified"

# Calendar date of the event in Beijing time (YYYY-MM-DD), to compare with the
# dates of a grant. The engine sends `at` with the +08:00 offset already, so the
# common case is a substring; other offsets are converted (regex matching here
# cost ~0.7 ms a decision, so it is kept off the common path).
beijing_offset_ns := ((8 * 60) * 60) * 1000000000

event_date := substring(input.at, 0, 10) if {
	endswith(input.at, "+08:00")
} else := sprintf("%04d-%02d-%02d", time.date(time.parse_rfc3339_ns(input.at) + beijing_offset_ns)) if {
	has_utc_offset
} else := substring(input.at, 0, 10) if {
	is_string(input.at)
}

has_utc_offset if endswith(input.at, "Z")

has_utc_offset if substring(input.at, count(input.at) - 6, 1) in {"+", "-"}

# How a rule names the catalogue entry of a `catalog` event.
entry_name := input.entry.name if {
	is_string(input.entry.name)
	input.entry.name != ""
} else := input.entry.id
