"""The farmer's pages (/farmer/...): items, the CSV upload and owner checks; logic in the modules of farmer/."""
