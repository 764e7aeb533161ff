"""Geography: the boundaries of the comuni (:mod:`cowork_data.geo.boundaries`), coordinate reference systems
(:mod:`cowork_data.geo.crs`, :mod:`cowork_data.geo.points`) and where Italian land is (:mod:`cowork_data.geo.area`)."""
