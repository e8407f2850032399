"""Identifier evidence: candidates in a listing's text, the registry's identifier index, and hits weighed as evidence."""
