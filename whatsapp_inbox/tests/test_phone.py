from odoo.tests import BaseCase

from ..tools import phone


class TestPhone(BaseCase):
    def test_brazil_ninth_digit_folds_to_one_key(self):
        key = phone.match_key("551187654321")
        self.assertEqual(key, "551187654321")
        self.assertEqual(phone.match_key("+55 11 98765-4321"), key)
        self.assertEqual(phone.match_key("+5511987654321"), key)
        self.assertEqual(phone.match_key("(11) 98765-4321", region="BR"), key)

    def test_brazil_landline_keeps_its_digits(self):
        self.assertEqual(phone.match_key("+55 11 3456-7890"), "551134567890")
        self.assertNotEqual(phone.match_key("+55 11 3456-7890"),
                            phone.match_key("+55 11 93456-7890"))

    def test_other_countries_are_plain_digits(self):
        self.assertEqual(phone.match_key("+54 9 11 5555-1234"), "5491155551234")
        self.assertEqual(phone.match_key("+1 650-555-1234"), "16505551234")

    def test_not_a_number(self):
        self.assertFalse(phone.match_key(""))
        self.assertFalse(phone.match_key("hello"))
        self.assertFalse(phone.match_key("+12"))

    def test_wa_id_to_e164_restores_brazilian_ninth_digit(self):
        self.assertEqual(phone.wa_id_to_e164("551187654321"), "+5511987654321")
        self.assertEqual(phone.wa_id_to_e164("5511987654321"), "+5511987654321")
        self.assertEqual(phone.wa_id_to_e164("551134567890"), "+551134567890")
        self.assertEqual(phone.wa_id_to_e164("5491155551234"), "+5491155551234")

    def test_wa_id_to_e164_refuses_usernames(self):
        self.assertFalse(phone.wa_id_to_e164("BR.1502576394655843"))
        self.assertFalse(phone.wa_id_to_e164(""))
