"""Erasure of customers (LGPD/GDPR): what the model and its wizard share. Removing a
customer's items from journaled deliveries is Meta's wire format: ``webhook.strip_customers``.
"""

# what an erasure does to a customer: remove their data, or keep it without who they are
MODES = [("erase", "Erase"), ("anonymize", "Anonymise")]
