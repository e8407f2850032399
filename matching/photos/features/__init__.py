"""Stage two of photo matching: ORB local features (extract), faiss indexes (index), the vote and
verification (match, verify), and the step inside a match run (stage)."""
