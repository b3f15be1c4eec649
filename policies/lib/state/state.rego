# Shared helpers: the state an event refers to. What govshare stores always
# wins over state the platform sends inline under the same id.
package lib.state

import rego.v1

dataset := entry if {
	entry := data.govshare.catalog[input.dataset]
} else := input.inline.dataset if {
	not data.govshare.catalog[input.dataset]
	input.inline.dataset.id == input.dataset
}

grant := record if {
	record := data.govshare.grants[input.grant]
} else := input.inline.grant if {
	not data.govshare.grants[input.grant]
	input.inline.grant.id == input.grant
}

# Actions by which a department obtains or handles another department's data.
sharing_actions := {"apply", "reply", "deliver", "use", "transfer", "return", "verify"}
