"""A crawl's health: the ledger of every page and photo (`ledger`), the verdict and likely cause of a
finished crawl (`rules`), and the report of it in words (`report`)."""
