"""Advert text: phrases counted over sellers (boilerplate), own shingles, MinHash candidates."""
