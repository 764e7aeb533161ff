"""Geography: the boundaries of the comuni (:mod:`cowork_data.geo.boundaries`)."""
