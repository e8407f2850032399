"""Photos of items and listings: `store` (storage by SHA-256 and perceptual hashes), `formats` (the
image formats photos arrive in)."""
