"""Totals, rounding and the tax summary, checked against an independent reference.

The reference below works in exact fractions and rounds with integer arithmetic, at the same
points as the documented rule (each line's net; the tax once per rate), so it shares no code
with `billing.money`.
"""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from billing import money

PLACES = {"JPY": 0, "EUR": 2, "BHD": 3}


def ref_round(value, places):
    """Half away from zero (what ROUND_HALF_UP does to Decimals), in integers."""
    scaled = Fraction(value) * 10**places
    sign = -1 if scaled < 0 else 1
    magnitude = abs(scaled)
    units = (magnitude.numerator * 2 + magnitude.denominator) // (2 * magnitude.denominator)
    return Fraction(sign * units, 10**places)


def reference(lines, currency):
    places = PLACES[currency]
    nets = []
    bases = {}
    for quantity, price, discount, rate in lines:
        net = ref_round(Fraction(quantity) * Fraction(price) * (100 - Fraction(discount)) / 100,
                        places)
        nets.append(net)
        bases[Fraction(rate)] = bases.get(Fraction(rate), 0) + net
    taxes = {rate: ref_round(base * rate / 100, places) for rate, base in bases.items()}
    subtotal = sum(nets, Fraction(0))
    tax_total = sum(taxes.values(), Fraction(0))
    return nets, bases, taxes, subtotal, tax_total, subtotal + tax_total


def as_dicts(lines):
    return [{"quantity": Decimal(q), "unit_price": Decimal(p), "discount": Decimal(d),
             "tax_rate": Decimal(r)} for q, p, d, r in lines]


@st.composite
def line(draw, currency):
    places = PLACES[currency]
    quantity = Decimal(draw(st.integers(1, 10**7))).scaleb(-3)  # 0.001 .. 10,000
    price = Decimal(draw(st.integers(-10**6 * 10**places, 10**7 * 10**places))).scaleb(-places)
    discount = Decimal(draw(st.one_of(st.just(0), st.integers(0, 10000)))).scaleb(-2)
    rate = draw(st.one_of(st.sampled_from(["0", "5.5", "7", "10", "19.6", "20", "21"]),
                          st.integers(0, 10000).map(lambda n: str(Decimal(n).scaleb(-2)))))
    return (str(quantity), str(price), str(discount), rate)


@st.composite
def invoice(draw):
    currency = draw(st.sampled_from(sorted(PLACES)))
    lines = draw(st.lists(line(currency), min_size=0, max_size=25))
    return currency, lines


@settings(max_examples=400, deadline=None)
@given(invoice())
def test_compute_matches_the_reference(case):
    currency, lines = case
    totals = money.compute(as_dicts(lines), currency)
    nets, bases, taxes, subtotal, tax_total, total = reference(lines, currency)

    assert [Fraction(amounts.net) for amounts in totals.lines] == nets
    assert Fraction(totals.subtotal) == subtotal
    assert Fraction(totals.tax_total) == tax_total
    assert Fraction(totals.total) == total
    assert {Fraction(rate): (Fraction(base), Fraction(tax)) for rate, base, tax in totals.taxes} \
        == {rate: (bases[rate], taxes[rate]) for rate in bases}
    # Every amount is a Decimal with exactly the currency's decimals: nothing else leaks.
    quantum = -PLACES[currency]
    for amount in (totals.subtotal, totals.tax_total, totals.total,
                   *(amounts.net for amounts in totals.lines)):
        assert isinstance(amount, Decimal)
        assert amount.as_tuple().exponent == quantum


@settings(max_examples=200, deadline=None)
@given(invoice())
def test_tax_summary_adds_up(case):
    currency, lines = case
    totals = money.compute(as_dicts(lines), currency)
    assert sum((tax for _rate, _base, tax in totals.taxes), Decimal(0)) == totals.tax_total
    assert sum((base for _rate, base, _tax in totals.taxes), Decimal(0)) == totals.subtotal
    assert totals.subtotal + totals.tax_total == totals.total
    rates = [rate for rate, _base, _tax in totals.taxes]
    assert rates == sorted(set(rates))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(PLACES)), st.integers(-10**12, 10**12), st.integers(0, 6))
def test_round_money_is_half_up_to_the_minor_unit(currency, units, extra):
    value = Decimal(units).scaleb(-(PLACES[currency] + extra))
    rounded = money.round_money(value, currency)
    assert Fraction(rounded) == ref_round(Fraction(value), PLACES[currency])
    assert abs(Fraction(rounded) - Fraction(value)) <= Fraction(1, 2 * 10**PLACES[currency])


# ---------------------------------------------------------------------------- by hand

def totals_of(currency, *lines):
    return money.compute(as_dicts(lines), currency)


def test_hand_worked_eur_invoice():
    # 3 × 19.99 = 59.97; 2 × 45.50 less 10 % = 81.90; 1 × 12.00 at 5.5 %.
    totals = totals_of("EUR", ("3", "19.99", "0", "20"), ("2", "45.50", "10", "20"),
                       ("1", "12.00", "0", "5.5"))
    assert [amounts.net for amounts in totals.lines] == [
        Decimal("59.97"), Decimal("81.90"), Decimal("12.00")]
    # 20 % of 141.87 = 28.374 -> 28.37; 5.5 % of 12.00 = 0.66.
    assert totals.taxes == [(Decimal("5.5"), Decimal("12.00"), Decimal("0.66")),
                            (Decimal("20"), Decimal("141.87"), Decimal("28.37"))]
    assert totals.subtotal == Decimal("153.87")
    assert totals.tax_total == Decimal("29.03")
    assert totals.total == Decimal("182.90")


def test_tax_is_rounded_once_per_rate_not_per_line():
    # Per line, 10 % of 0.05 would be 0.005 -> 0.01 twice (0.02); per rate it is 0.01.
    totals = totals_of("EUR", ("1", "0.05", "0", "10"), ("1", "0.05", "0", "10"))
    assert totals.tax_total == Decimal("0.01")
    assert totals.total == Decimal("0.11")


def test_line_net_rounds_half_up_after_the_discount():
    # 99.99 less 15 % = 84.9915 -> 84.99; 0.5 × 0.05 = 0.025 -> 0.03 (half up).
    assert totals_of("EUR", ("1", "99.99", "15", "0")).subtotal == Decimal("84.99")
    assert totals_of("EUR", ("0.5", "0.05", "0", "0")).subtotal == Decimal("0.03")
    # A credit line rounds half away from zero, the mirror image of a normal line.
    assert totals_of("EUR", ("0.5", "-0.05", "0", "0")).subtotal == Decimal("-0.03")


def test_zero_and_three_decimal_currencies():
    # JPY: 3 × 333 = 999, 10 % tax = 99.9 -> 100.
    yen = totals_of("JPY", ("3", "333", "0", "10"))
    assert (yen.subtotal, yen.tax_total, yen.total) == (Decimal("999"), Decimal("100"),
                                                        Decimal("1099"))
    # BHD: 1.5 × 2.345 = 3.5175 -> 3.518; 5 % of it = 0.1759 -> 0.176.
    dinar = totals_of("BHD", ("1.5", "2.345", "0", "5"))
    assert (dinar.subtotal, dinar.tax_total, dinar.total) == (
        Decimal("3.518"), Decimal("0.176"), Decimal("3.694"))


def test_no_lines_is_zero():
    totals = money.compute([], "EUR")
    assert (totals.subtotal, totals.tax_total, totals.total, totals.taxes) == (0, 0, 0, [])


# ---------------------------------------------------------------------------- input

def test_parse_amount_messages():
    assert money.parse_amount(" 12.50 ", "EUR") == Decimal("12.50")
    assert money.parse_amount("1200", "JPY") == Decimal("1200")
    cases = [
        ("12.345", "EUR", "can have at most 2 decimals in EUR"),
        ("12.5", "JPY", "cannot have decimals in JPY"),
        ("1.2345", "BHD", "at most 3 decimals in BHD"),
        ("ten", "EUR", "is not a number: “ten”"),
        ("NaN", "EUR", "must be a number"),
        ("1e30", "EUR", "is too large (at most 999,999,999)"),
        ("-1000000000", "EUR", "is too large"),
    ]
    for value, currency, message in cases:
        with pytest.raises(ValidationError) as error:
            money.parse_amount(value, currency, "The price")
        assert message in error.value.messages[0], value
        assert error.value.messages[0].startswith("The price")


def test_unknown_currency_is_refused():
    money.validate_currency("EUR")
    for code in ("XYZ", "eur", "EURO", ""):
        with pytest.raises(ValidationError, match="is not an ISO 4217 currency code"):
            money.validate_currency(code)


def test_format_money_follows_the_currency_and_language():
    with translation.override("en"):
        assert money.format_money(Decimal("1234.5"), "EUR") == "1,234.50 EUR"
        assert money.format_money(Decimal("1234"), "JPY") == "1,234 JPY"
        assert money.format_money(Decimal("0.1"), "BHD") == "0.100 BHD"
    with translation.override("fr"):
        assert money.format_money(Decimal("1234.5"), "EUR").replace("\u202f", " ").replace(
            "\xa0", " ") == "1 234,50 EUR"
