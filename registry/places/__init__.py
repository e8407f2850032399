"""Where things happened: place text to a position and a police force area, offline.

`lookup` resolves a theft's or listing's place text (postcodes and districts from the ONS postcode
directory, towns from GeoNames via `gazetteer`); `forces` maps local authorities and counties to the
police force areas of England and Wales, Police Scotland and the PSNI; `areas` gives the force for
a place or a postcode; `groups` reads the configured force groups (`force_groups.yaml`); `locating`
places stored thefts and listings in batches. See docs/places.md.
"""
