"""Base spiders (structured, selectors, feed) and the site spiders made from the sources file."""
