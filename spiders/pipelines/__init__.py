"""Item pipelines, one concern each, ordered in spiders/settings.py ITEM_PIPELINES."""
