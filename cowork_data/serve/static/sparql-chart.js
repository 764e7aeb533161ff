// A Yasr plugin: horizontal bar chart (SVG) of an aggregate answer — one bar group per row, one bar per numeric
// column, the other columns as the row's label. Drawn like the site's charts (cowork_data/site/charts.py).
(function () {
  'use strict';
  const XSD = 'http://www.w3.org/2001/XMLSchema#';
  const NUMERIC = new Set(['integer', 'decimal', 'double', 'float', 'int', 'long', 'short', 'byte',
    'nonNegativeInteger', 'positiveInteger', 'negativeInteger', 'nonPositiveInteger', 'unsignedInt',
    'unsignedLong', 'unsignedShort', 'unsignedByte']);
  const PALETTE = ['#1b6ca8', '#c2571a', '#2e7d32', '#6a3d9a'];
  const WIDTH = 760, LABEL = 300, VALUE = 110, BAR = 18, BAR_GAP = 3, GROUP_GAP = 14, LEGEND = 20, MAX_ROWS = 100;
  const SVG = 'http://www.w3.org/2000/svg';

  function numeric(term) {
    return term && term.type !== 'uri' && term.type !== 'bnode' && term.datatype &&
      term.datatype.startsWith(XSD) && NUMERIC.has(term.datatype.slice(XSD.length));
  }
  function el(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function short(text, limit) {
    return text.length <= limit ? text : text.slice(0, limit - 1).trimEnd() + '…';
  }

  class CoworkChart {
    constructor(yasr) {
      this.yasr = yasr;
      this.label = 'Grafico / Chart';
      this.priority = 5;
      this.svg = null;
    }
    columns() {
      const results = this.yasr.results;
      if (!results || !results.getBindings || !results.getVariables) return null;
      const rows = results.getBindings();
      if (!rows || rows.length === 0 || rows.length > MAX_ROWS) return null;
      const vars = results.getVariables();
      const values = vars.filter(v => rows.some(r => r[v]) && rows.every(r => !r[v] || numeric(r[v])));
      const labels = vars.filter(v => !values.includes(v));
      if (values.length === 0 || labels.length === 0) return null;
      return { rows: rows, values: values.slice(0, PALETTE.length), labels: labels };
    }
    canHandleResults() {
      return this.columns() !== null;
    }
    getIcon() {
      const icon = el('svg', { viewBox: '0 0 16 16', width: 15, height: 15, 'aria-hidden': 'true' });
      [[1, 2, 12], [1, 7, 8], [1, 12, 14]].forEach(([x, y, w]) => icon.appendChild(el('rect',
        { x: x, y: y, width: w, height: 3, fill: 'currentColor' })));
      const wrap = document.createElement('div');
      wrap.appendChild(icon);
      return wrap;
    }
    draw() {
      const cols = this.columns();
      if (!cols) return;
      const prefixes = Object.entries(this.yasr.getPrefixes()).sort((a, b) => b[1].length - a[1].length);
      const text = term => {
        if (!term) return '';
        if (term.type !== 'uri') return term.value;
        const hit = prefixes.find(([, ns]) => term.value.startsWith(ns));
        return hit ? hit[0] + ':' + term.value.slice(hit[1].length) : term.value;
      };
      const n = cols.values.length;
      const group = n * BAR + (n - 1) * BAR_GAP;
      const top = 14 + LEGEND * n + 10;
      const height = top + cols.rows.length * (group + GROUP_GAP) + 10;
      const max = Math.max(...cols.rows.flatMap(r => cols.values.map(v => r[v] ? Math.abs(Number(r[v].value)) : 0))) || 1;
      const plot = WIDTH - LABEL - VALUE;
      const svg = el('svg', { xmlns: SVG, class: 'chart', viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH,
        height: height, role: 'img', 'font-family': 'system-ui, sans-serif', 'font-size': 13 });
      svg.appendChild(el('title', {}, cols.values.join(', ') + ' / ' + cols.labels.join(' · ')));
      svg.appendChild(el('rect', { width: WIDTH, height: height, fill: '#ffffff' }));
      cols.values.forEach((v, i) => {
        const y = 10 + i * LEGEND;
        svg.appendChild(el('rect', { x: LABEL, y: y, width: 14, height: 14, fill: PALETTE[i] }));
        svg.appendChild(el('text', { x: LABEL + 20, y: y + 12 }, v));
      });
      let y = top;
      for (const row of cols.rows) {
        const label = cols.labels.map(v => text(row[v])).filter(Boolean).join(' · ');
        const t = el('text', { x: LABEL - 8, y: y + group / 2 + 4, 'text-anchor': 'end' }, short(label, 38));
        t.appendChild(el('title', {}, label));
        svg.appendChild(t);
        cols.values.forEach((v, i) => {
          const value = row[v] ? Number(row[v].value) : null;
          const barY = y + i * (BAR + BAR_GAP);
          const width = value === null ? 0 : Math.round(plot * Math.abs(value) / max * 10) / 10;
          svg.appendChild(el('rect', { x: LABEL, y: barY, width: width, height: BAR, fill: PALETTE[i],
            class: 'bar', 'data-value': value === null ? '' : value }));
          svg.appendChild(el('text', { x: LABEL + width + 5, y: barY + BAR - 4 },
            value === null ? 'n.d.' : value.toLocaleString('it-IT')));
        });
        y += group + GROUP_GAP;
      }
      svg.appendChild(el('line', { x1: LABEL, y1: top - 4, x2: LABEL, y2: y - GROUP_GAP + 4, stroke: '#333333' }));
      this.svg = svg;
      this.yasr.resultsEl.appendChild(svg);
    }
    download() {
      if (!this.svg) return undefined;
      const svg = this.svg;
      return {
        getData: () => '<?xml version="1.0" encoding="UTF-8"?>\n' + svg.outerHTML + '\n',
        contentType: 'image/svg+xml',
        title: 'Scarica il grafico (SVG) / download the chart (SVG)',
        filename: 'grafico.svg',
      };
    }
  }
  window.CoworkChart = CoworkChart;
})();
