"""Photo evidence: copied photos found by perceptual hashes (index.py, evidence.py) and, in features/,
altered photos found by local features (stage two)."""
