"""Stage two of photo matching: ORB local features (extract), faiss indexes (index), the vote (vote),
verified matches (match, verify), and the step inside a match run (stage)."""
