"""Performance benchmark of flux_dash (see README « Performances »): not a test, not part of the package."""
