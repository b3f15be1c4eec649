package lib.parameters_test

import rego.v1

# A reply period that the law shortens from 10 to 5 working days on 2030-01-01.
dated := {"x.reply_working_days": [
	{"value": 10, "effective_from": "2025-08-01", "effective_to": "2029-12-31"},
	{"value": 5, "effective_from": "2030-01-01"},
]}

test_the_value_in_force_on_the_day_is_picked if {
	data.lib.parameters.value("x.reply_working_days", "2026-03-02") == 10 with data.govshare_parameters as dated
	data.lib.parameters.value("x.reply_working_days", "2030-01-01T09:00:00+08:00") == 5 with data.govshare_parameters as dated
}

test_effective_to_is_the_last_day_in_force if {
	data.lib.parameters.value("x.reply_working_days", "2029-12-31") == 10 with data.govshare_parameters as dated
}

test_no_value_before_the_first_period_or_for_an_unknown_name if {
	not data.lib.parameters.value("x.reply_working_days", "2025-07-31") with data.govshare_parameters as dated
	not data.lib.parameters.value("x.unknown", "2026-03-02") with data.govshare_parameters as dated
}

test_the_shipped_values_are_the_regulations if {
	data.lib.parameters.value("gdsr.reply_conditional_working_days", "2025-08-01") == 10
	data.lib.parameters.value("gdsr.delivery_working_days", "2026-03-02") == 20
	data.lib.parameters.value("gdsr.usage_record_retention_years", "2026-03-02") == 3
	data.lib.parameters.value("jiyuan.log_retention_months", "2022-10-26") == 6
	not data.lib.parameters.value("gdsr.delivery_working_days", "2025-07-31")
}

# A rule reads the value in force on the event's date, so a changed period changes its answer.
test_a_rule_counts_with_the_value_in_force if {
	data.gdsr.deliver.delivery_deadline.working_days == 20 with input as {"action": "deliver", "at": "2026-03-02T10:00:00+08:00"}
	data.gdsr.deliver.delivery_deadline.working_days == 15 with input as {"action": "deliver", "at": "2026-03-02T10:00:00+08:00"}
		with data.govshare_parameters as {"gdsr.delivery_working_days": [{"value": 15, "effective_from": "2026-01-01"}]}
}
