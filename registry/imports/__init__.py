"""Bulk imports: `files` (items from CSV or JSON lines, listings from JSON lines, with a report per
row), `spreadsheets` (CSV as spreadsheets write it), `item_csv` (flattened CSV headers to item records)."""
