"""What the officer's pages read from the database: the queues, one match or item, registry search."""
