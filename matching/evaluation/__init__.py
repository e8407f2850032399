"""Measuring the matcher: generated labelled sets (evalset, feature_evalset) and the quality figures
(evaluate); not used by a match run."""
