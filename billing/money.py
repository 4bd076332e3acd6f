"""Money: currencies, rounding and invoice totals, computed in this one place.

The rounding rule (documented in docs/DESIGN.md):

1. A line's net amount is quantity × unit price × (1 − discount / 100), rounded half-up to the
   currency's minor unit (cents for EUR, none for JPY, three places for BHD).
2. Tax is computed per rate on the sum of the rounded net amounts of the lines at that rate,
   rounded half-up to the minor unit: one rounding per rate, as the tax summary shows it.
3. The total is the sum of the nets plus the sum of the taxes; nothing is rounded again.

Every amount is a `Decimal`; floats never enter.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# ISO 4217 active codes and their minor units (exponent). Codes not listed have 2.
_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    "CLF": 4, "UYW": 4,
}
_CODES = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
BWP BYN BZD CAD CDF CHF CLF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS
TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG
XOF XPF YER ZAR ZMW ZWG
"""
CURRENCIES = frozenset(_CODES.split())  # noqa: SIM905 - a table, easier to read as text

# Sane bounds: nobody invoices a billion, or a million units at once, by accident.
MAX_AMOUNT = Decimal("999999999")
MAX_QUANTITY = Decimal("1000000")


def validate_currency(code):
    if code not in CURRENCIES:
        raise ValidationError(_("“%s” is not an ISO 4217 currency code (such as EUR, USD, "
                                "GBP).") % code, code="currency")


def exponent(currency):
    return _EXPONENTS.get(currency, 2)


def quantum(currency):
    return Decimal(1).scaleb(-exponent(currency))


def round_money(amount, currency):
    """Half-up to the currency's minor unit."""
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def parse_amount(value, currency, field_label=None):
    """A user-typed amount: a Decimal with no more decimals than the currency has, within the
    sane maximum. Raises ValidationError with a clear message otherwise."""
    label = field_label or _("The amount")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(label)s is not a number: “%(value)s”.") % {
            "label": label, "value": value}, code="invalid") from None
    if not amount.is_finite():
        raise ValidationError(_("%s must be a number.") % label, code="invalid")
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError(_("%(label)s is too large (at most %(max)s).") % {
            "label": label, "max": f"{MAX_AMOUNT:,}"}, code="too_large")
    check_places(amount, currency, label)
    return amount


def format_money(amount, currency):
    """An amount for people: the currency's decimals, grouped as the active language writes
    numbers, then the code ("1,234.50 EUR" in English, "1 234,50 EUR" in French)."""
    from django.utils.formats import number_format

    number = number_format(round_money(amount, currency), exponent(currency), use_l10n=True,
                           force_grouping=True)
    return f"{number} {currency}"


def check_places(amount, currency, label):
    places = exponent(currency)
    if amount != amount.quantize(quantum(currency), rounding=ROUND_HALF_UP):
        if places == 0:
            raise ValidationError(_("%(label)s cannot have decimals in %(currency)s.") % {
                "label": label, "currency": currency}, code="places")
        raise ValidationError(
            _("%(label)s can have at most %(places)d decimals in %(currency)s.") % {
                "label": label, "places": places, "currency": currency}, code="places")


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax_rate: Decimal


@dataclass
class Totals:
    currency: str
    lines: list = field(default_factory=list)  # LineAmounts, in line order
    subtotal: Decimal = Decimal("0")
    taxes: list = field(default_factory=list)  # (rate, base, tax), by rate
    tax_total: Decimal = Decimal("0")
    total: Decimal = Decimal("0")


def line_net(quantity, unit_price, discount, currency):
    gross = Decimal(quantity) * Decimal(unit_price)
    factor = (Decimal(100) - Decimal(discount)) / Decimal(100)
    return round_money(gross * factor, currency)


def compute(lines, currency):
    """Totals of an invoice from its lines: objects (or dicts) with quantity, unit_price,
    discount and tax_rate."""
    totals = Totals(currency=currency)
    bases = {}
    for line in lines:
        get = line.get if isinstance(line, dict) else lambda name, _l=line: getattr(_l, name)
        rate = Decimal(get("tax_rate") or 0)
        net = line_net(get("quantity"), get("unit_price"), get("discount") or 0, currency)
        totals.lines.append(LineAmounts(net, rate))
        bases[rate] = bases.get(rate, Decimal("0")) + net
        totals.subtotal += net
    for rate in sorted(bases):
        tax = round_money(bases[rate] * rate / Decimal(100), currency)
        totals.taxes.append((rate, bases[rate], tax))
        totals.tax_total += tax
    totals.subtotal = round_money(totals.subtotal, currency)
    totals.tax_total = round_money(totals.tax_total, currency)
    totals.total = totals.subtotal + totals.tax_total
    return totals
