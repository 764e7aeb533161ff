/* The map of spaces: markers by type, clustering, popups and filters that update the count of shown markers.
   Data and settings are embedded in the page (no request), so the map also works when opened from disk. */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('map-config').textContent);
  var spaces = JSON.parse(document.getElementById('map-data').textContent);
  var el = document.getElementById('map');
  var map = L.map(el, {zoomSnap: 0.5, minZoom: 3, maxZoom: 18, attributionControl: Boolean(config.tiles)});
  if (config.tiles) {
    L.tileLayer(config.tiles, {attribution: config.attribution, maxZoom: 19}).addTo(map);
  } else {
    el.classList.add('no-tiles');
  }
  var clustered = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 40});
  var plain = L.layerGroup();
  var markers = spaces.map(function (s) {
    var icon = L.divIcon({
      className: 'space-marker type-' + s.type,
      html: '<span aria-hidden="true">' + s.letter + '</span>',
      iconSize: [26, 26], iconAnchor: [13, 13], popupAnchor: [0, -13]
    });
    var m = L.marker([s.lat, s.lon], {icon: icon, title: s.name, alt: s.name, keyboard: true, riseOnHover: true});
    m.bindPopup(s.popup, {maxWidth: 320});
    m.space = s;
    return m;
  });
  var fields = {
    type: document.getElementById('f-type'),
    country: document.getElementById('f-country'),
    comune: document.getElementById('f-comune'),
    call: document.getElementById('f-call'),
    text: document.getElementById('f-text'),
    cluster: document.getElementById('f-cluster')
  };
  var rows = Array.prototype.slice.call(document.querySelectorAll('table.spaces tbody tr'));

  function matches(type, comune, calls, name, country) {
    var text = fields.text.value.trim().toLowerCase();
    return (!fields.type.value || type === fields.type.value) &&
      (!fields.country.value || country === fields.country.value) &&
      (!fields.comune.value || comune === fields.comune.value) &&
      (!fields.call.value || calls.indexOf(fields.call.value) >= 0) &&
      (!text || name.toLowerCase().indexOf(text) >= 0);
  }

  function update(fit) {
    var shown = markers.filter(function (m) {
      return matches(m.space.type, m.space.comune, m.space.calls, m.space.name, m.space.country);
    });
    var layer = fields.cluster.checked ? clustered : plain;
    var other = layer === clustered ? plain : clustered;
    map.closePopup();
    clustered.clearLayers();
    plain.clearLayers();
    if (map.hasLayer(other)) { map.removeLayer(other); }
    if (layer === clustered) { clustered.addLayers(shown); } else { shown.forEach(function (m) { plain.addLayer(m); }); }
    if (!map.hasLayer(layer)) { layer.addTo(map); }
    rows.forEach(function (row) {
      var name = row.querySelector('th').textContent;
      row.hidden = !matches(row.dataset.type, row.dataset.comune, (row.dataset.calls || '').split(' '), name,
        row.dataset.country);
    });
    var count = String(layer.getLayers().length);
    document.getElementById('shown-count').textContent = count;
    document.getElementById('shown-count-en').textContent = count;
    el.dataset.markers = count;
    if (fit && shown.length) {
      map.fitBounds(L.latLngBounds(shown.map(function (m) { return m.getLatLng(); })), {padding: [30, 30], maxZoom: 16});
    }
  }

  ['type', 'country', 'comune', 'call'].forEach(function (k) { fields[k].addEventListener('change', function () { update(true); }); });
  fields.text.addEventListener('input', function () { update(true); });
  fields.cluster.addEventListener('change', function () { update(false); });
  document.getElementById('filters').addEventListener('reset', function () { setTimeout(function () { update(true); }, 0); });
  document.getElementById('filters').addEventListener('submit', function (ev) { ev.preventDefault(); });

  if (markers.length) {
    update(true);
  } else {
    map.setView([42.5, 12.5], 5);
    update(false);
  }

  function openFromHash() {
    var match = /^#spazio=(.+)$/.exec(window.location.hash);
    if (!match) { return; }
    var id = decodeURIComponent(match[1]);
    var m = markers.find(function (x) { return x.space.id === id; });
    if (!m) { return; }
    if (fields.cluster.checked && clustered.hasLayer(m)) {
      clustered.zoomToShowLayer(m, function () { m.openPopup(); });
    } else if (map.hasLayer(m)) {
      map.setView(m.getLatLng(), 16);
      m.openPopup();
    }
  }
  window.addEventListener('hashchange', openFromHash);
  openFromHash();
  el.dataset.ready = 'true';
}());
