"""Phone helpers for WhatsApp ids.

WhatsApp identifies customers by ``wa_id``: the international number as digits,
without ``+``. Brazilian mobile numbers are special: WhatsApp accounts created
before the ninth digit was added (2012-2016) keep an id without it, so
``+55 11 98765-4321`` chats as ``551187654321``. :func:`match_key` folds both
forms onto one key so partners and conversations can be matched by an indexed
equality lookup.
"""

import phonenumbers
from babel.languages import get_official_languages

BRAZIL_CODE = 55


def _parse(number, region=None):
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not parsed.national_number or not phonenumbers.is_possible_number(parsed):
        return None
    return parsed


def _brazil_nsn(parsed, with_ninth_digit):
    """National number of a Brazilian mobile, with or without its ninth digit.

    Brazilian mobiles are ``DDD`` (2 digits) + ``9`` + 8 digits starting with 6-9;
    landlines have 8 digits starting with 2-5 and are returned unchanged.
    """
    nsn = str(parsed.national_number)
    if with_ninth_digit and len(nsn) == 10 and nsn[2] in "6789":
        return nsn[:2] + "9" + nsn[2:]
    if not with_ninth_digit and len(nsn) == 11 and nsn[2] == "9" and nsn[3] in "6789":
        return nsn[:2] + nsn[3:]
    return nsn


def wa_id_to_e164(wa_id):
    """Dialable E.164 number of a WhatsApp id, or ``False`` for usernames (BSUIDs)
    and ids that are not phone numbers. Brazilian mobiles get their ninth digit."""
    if not wa_id or not wa_id.isdigit():
        return False
    parsed = _parse("+" + wa_id)
    if parsed is None:
        return False
    if parsed.country_code == BRAZIL_CODE:
        return f"+{BRAZIL_CODE}{_brazil_nsn(parsed, with_ninth_digit=True)}"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def region_of(number):
    """ISO country code (``BR``) of an E.164 number or WhatsApp id, or ``False``."""
    if not number:
        return False
    digits = number.lstrip("+")
    if not digits.isdigit():
        return False
    try:
        parsed = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        return False
    # numbers the metadata does not validate (Mexico's old mobile 1 that WhatsApp ids
    # keep) still tell their country code: its main country
    region = (phonenumbers.region_code_for_number(parsed)
              or phonenumbers.region_code_for_country_code(parsed.country_code))
    return region if region and region != phonenumbers.UNKNOWN_REGION else False


def lang_of_region(region, installed, preferred=None):
    """The language of ``installed`` (codes such as ``pt_BR``) people of the country
    ``region`` read, or ``False``: for each of its languages (Unicode CLDR's, official or
    de facto: ``es`` in Mexico), the country's own variant (``es_AR``), else ``preferred``
    (the company's) when it is one of its variants, else the first variant installed."""
    if not region:
        return False
    for language in get_official_languages(region, de_facto=True):
        variants = sorted(code for code in installed
                          if code == language or code.startswith(f"{language}_"))
        for code in (f"{language}_{region}", preferred):
            if code in variants:
                return code
        if variants:
            return variants[0]
    return False


def match_key(number, region=None):
    """Key under which two spellings of the same phone number compare equal.

    ``number`` is an E.164 number, a WhatsApp id (digits) or a local number
    (parsed with ``region``, an ISO country code). Returns digits with the country
    code, Brazilian mobiles without their ninth digit, or ``False``.
    """
    if not number:
        return False
    number = number.strip()
    if number.isdigit() and region is None:
        number = "+" + number
    parsed = _parse(number, region)
    if parsed is None:
        return False
    if parsed.country_code == BRAZIL_CODE:
        return f"{BRAZIL_CODE}{_brazil_nsn(parsed, with_ninth_digit=False)}"
    return f"{parsed.country_code}{parsed.national_number}"


def wa_id_variants(wa_id):
    """The spellings of a WhatsApp id that may designate the same customer: itself and,
    for a Brazilian mobile, the form with or without its ninth digit."""
    variants = [wa_id]
    if wa_id and wa_id.isdigit():
        parsed = _parse("+" + wa_id)
        if parsed is not None and parsed.country_code == BRAZIL_CODE:
            for with_ninth in (True, False):
                variant = f"{BRAZIL_CODE}{_brazil_nsn(parsed, with_ninth_digit=with_ninth)}"
                if variant not in variants:
                    variants.append(variant)
    return variants
