"""cowork-data: open data on shared workplaces in Italy."""

__version__ = "0.1.0"
