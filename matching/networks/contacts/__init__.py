"""Contacts sellers publish: phone numbers read where they were published, e-mail addresses by provider rules."""
