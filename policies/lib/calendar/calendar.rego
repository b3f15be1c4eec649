# Working days (工作日) on China's official calendar, from
# data.govshare.calendar (policies/data/calendar/<year>.json, loaded by the
# engine): `ordinal[date]` counts working days up to and including a date,
# `workday[n]` is the n-th working day. Dates are ISO strings, so later dates
# compare greater.
package lib.calendar

import rego.v1

# The calendar date (YYYY-MM-DD) of a date or an RFC 3339 timestamp the engine
# has normalised to Beijing time.
day_of(value) := substring(value, 0, 10)

known(day) if data.govshare.calendar.ordinal[day_of(day)]

# The date `n` working days after `day`; the day itself is not counted. Undefined
# when the result lies beyond the known calendar.
add_working_days(day, n) := data.govshare.calendar.workday[format_int(data.govshare.calendar.ordinal[day_of(day)] + n, 10)]

# `done` (a date) is after the deadline of `n` working days from `start`.
later_than(done, start, n) if day_of(done) > add_working_days(start, n)

# Working days from `start` (exclusive) to `end` (inclusive).
working_days_between(start, end) := data.govshare.calendar.ordinal[day_of(end)] - data.govshare.calendar.ordinal[day_of(start)]
