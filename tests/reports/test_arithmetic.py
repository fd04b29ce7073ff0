"""The arithmetic of an indicator against its yearly target, as every page shows it: value,
target, share of target in % (rounded down, so a value short of its target never reads
100.0 %), and whether the target is missed."""
from decimal import Decimal

from workflow.centers.indicators import BY_CODE
from workflow.reports.rules import (
    Measure,
    measures,
    missed_count,
    values_problems,
    yearly_targets,
)

MONEY, COUNT = BY_CODE["rd_spending"], BY_CODE["patents_granted"]


def measure(indicator, value, target):
    return Measure(indicator, None if value is None else Decimal(str(value)),
                   None if target is None else Decimal(str(target)))


def test_a_value_exactly_at_target_is_100_percent_and_not_missed():
    m = measure(COUNT, 4, 4)
    assert (m.share, m.missed, m.share_text) == (Decimal("100.0"), False, "100.0 %")


def test_a_value_above_target_shows_its_share_and_is_not_missed():
    m = measure(COUNT, 5, 4)
    assert (m.share, m.missed) == (Decimal("125.0"), False)


def test_money_just_short_of_its_target_is_missed_and_reads_below_100_percent():
    m = measure(MONEY, "1399.99", "1400")  # 10,000 yuan: 13,999,900 yuan of 14,000,000
    assert m.missed
    assert m.share == Decimal("99.9")  # 99.99928...: rounded down, never 100.0
    assert (m.value_text, m.target_text) == ("1,399.99", "1,400.00")


def test_money_values_keep_their_cents_exactly():
    m = measure(MONEY, "0.1", "0.3")  # binary floats would make 33.33333...4
    assert m.share == Decimal("33.3") and m.missed


def test_without_a_target_there_is_no_share_and_nothing_missed():
    m = measure(COUNT, 3, None)
    assert (m.share, m.missed, m.share_text, m.target_text) == (None, False, "—", "—")


def test_a_target_of_zero_has_no_share_and_is_never_missed():
    assert (measure(COUNT, 0, 0).share, measure(COUNT, 0, 0).missed) == (None, False)
    assert measure(COUNT, 2, 0).missed is False


def test_a_value_not_given_yet_is_not_counted_missed():
    m = measure(COUNT, None, 4)
    assert (m.share, m.missed, m.value_text) == (None, False, "—")


def test_counts_show_whole_numbers_and_money_two_decimals():
    assert measure(COUNT, 1234, 4).value_text == "1,234"
    assert measure(MONEY, 1234.5, 1).value_text == "1,234.50"


def test_yearly_targets_read_the_task_books_strings_and_blanks():
    book = {"rd_spending": {"yearly": {"2023": "1400.50", "2024": 1600}},
            "patents_granted": {"yearly": {"2023": ""}}, "standards": {}}
    assert yearly_targets(book, 2023) == {"rd_spending": Decimal("1400.50"),
                                          "patents_granted": None, "standards": None}
    assert yearly_targets(book, 2024)["rd_spending"] == Decimal(1600)
    assert yearly_targets(None, 2023) == {}


def test_missed_count_counts_only_targets_above_zero_that_the_value_falls_short_of():
    values = {"rd_spending": Decimal("1399.99"), "patents_granted": Decimal(4),
              "standards": Decimal(1), "transfer_profit": Decimal(0)}
    targets = {"rd_spending": Decimal(1400), "patents_granted": Decimal(4),
               "standards": Decimal(2), "transfer_profit": Decimal(0)}
    assert missed_count(values, targets) == 2
    assert len(measures(values, targets)) == len(BY_CODE)


def test_values_are_checked_one_by_one_with_the_indicator_named():
    good = {code: "1" for code in BY_CODE}
    assert values_problems(good) == []
    assert values_problems({**good, "rd_spending": "12.345"})  # a tenth of a yuan less
    assert values_problems({**good, "rd_spending": "12.34"}) == []
    assert values_problems({**good, "patents_granted": "1.5"})  # a count is whole
    assert values_problems({**good, "patents_granted": "-1"})
    assert values_problems({**good, "standards": "abc"})
    assert values_problems({**good, "standards": "NaN"})
    assert values_problems({**good, "standards": ""})
    assert values_problems({**good, "standards": "1e9"})
