"""The page's schema.org data: JSON-LD (read leniently), microdata and RDFa as one graph, and the
listing each group of nodes tells."""
