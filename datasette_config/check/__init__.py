"""The public buyer check (/check, no login) and its alert list for officers: lookup, near-hit index, log and rate limit."""
