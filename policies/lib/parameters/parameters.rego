# Statutory numbers (periods, retention terms) as dated parameters, from
# policies/data/parameters/*.yaml (loaded by the engine as
# data.govshare_parameters: name → [{value, effective_from, effective_to}]).
# Rules call value("<name>", state.event_date) with the name as a literal, so
# the engine can tell which parameters an event reaches: when one has no value
# in force on the event's date it refuses to decide (indeterminate), since an
# undefined value would leave a deadline rule silent.
package lib.parameters

import rego.v1

# The value of parameter `name` in force on `day` (a date or an RFC 3339
# timestamp; its first 10 characters): effective_from <= day <= effective_to
# (inclusive; no effective_to is open-ended). Undefined when none is in force.
value(name, day) := period.value if {
	some period in data.govshare_parameters[name]
	period.effective_from <= substring(day, 0, 10)
	substring(day, 0, 10) <= object.get(period, "effective_to", "9999-12-31")
}
