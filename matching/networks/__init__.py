"""Seller networks: sellers behind listings, the links between them, and the networks they form."""
