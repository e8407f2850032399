"""The federation endpoints `farmwatch serve` answers for peer registers (docs/federation.md)."""
