"""Generated data for the demonstration, the tests, the benchmarks and the labelled evaluation sets;
never imported by the product itself (`photos`: deterministic generated photos, no downloads)."""
