package lib.calendar_test

import rego.v1


# A small, self-contained fixture so the tests do not depend on the seeded years:
# Mon 2026-09-28 .. Fri 10-02 where 10-01 and 10-02 are holidays, and
# Sat 10-10 is a make-up workday.
cal := {
	"ordinal": {
		"2026-09-28": 1, "2026-09-29": 2, "2026-09-30": 3, "2026-10-01": 3, "2026-10-02": 3,
		"2026-10-03": 3, "2026-10-04": 3, "2026-10-05": 4, "2026-10-09": 8, "2026-10-10": 9, "2026-10-12": 10,
	},
	"workday": {"1": "2026-09-28", "2": "2026-09-29", "3": "2026-09-30", "4": "2026-10-05", "8": "2026-10-09", "9": "2026-10-10", "10": "2026-10-12"},
}

test_next_working_day_skips_holidays if {
	data.lib.calendar.add_working_days("2026-09-30", 1) == "2026-10-05" with data.govshare.calendar as cal
}

test_counting_from_a_holiday_starts_at_the_next_working_day if {
	data.lib.calendar.add_working_days("2026-10-02", 1) == "2026-10-05" with data.govshare.calendar as cal
}

test_make_up_saturday_counts if {
	data.lib.calendar.add_working_days("2026-10-09", 1) == "2026-10-10" with data.govshare.calendar as cal
}

test_reply_on_a_holiday_after_the_deadline_is_late if {
	data.lib.calendar.later_than("2026-10-01", "2026-09-29", 1) with data.govshare.calendar as cal
}

test_reply_on_the_deadline_is_not_late if {
	not data.lib.calendar.later_than("2026-09-30T17:59:00+08:00", "2026-09-29", 1) with data.govshare.calendar as cal
}

test_unknown_day_is_undefined_not_a_guess if {
	not data.lib.calendar.add_working_days("2027-01-04", 1) with data.govshare.calendar as cal
	not data.lib.calendar.known("2027-01-04") with data.govshare.calendar as cal
}

test_working_days_between if {
	data.lib.calendar.working_days_between("2026-09-28", "2026-10-05") == 3 with data.govshare.calendar as cal
}
