var spazi = {
  "type": "FeatureCollection",
  "features": [
    {
      "type": "Feature",
      "geometry": {
        "type": "Point",
        "coordinates": [
          9.165,
          45.452
        ]
      },
      "properties": {
        "Denominazione": "Spazio Prova Uno",
        "Tipologia": "coworking",
        "Indirizzo": "Via Tortona 1",
        "CAP": "20144",
        "Comune": "Milano"
      }
    },
    {
      "type": "Feature",
      "geometry": {
        "type": "Point",
        "coordinates": [
          9.221,
          45.495
        ]
      },
      "properties": {
        "Denominazione": "Spazio Prova Due",
        "Tipologia": "fablab",
        "Indirizzo": "Via Padova 2",
        "CAP": "20127",
        "Comune": "Milano"
      }
    }
  ]
};
