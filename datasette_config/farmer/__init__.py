"""Farmer self-service: a farmer's own items, the item forms, the bulk CSV upload and owner checks (views in views/)."""
