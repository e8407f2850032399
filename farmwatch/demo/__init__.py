"""The demonstration: its registry scenario (the stolen items it plants), the demonstration marketplace
that lists them, and `farmwatch demo` / `farmwatch market`."""
