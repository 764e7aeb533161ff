// The /sparql page with JavaScript: YASGUI's editor (Yasqe) and result viewer (Yasr) on this server's endpoint.
// Without JavaScript (or without the bundle) the page's form posts the query and the server answers as before.
// Nothing here asks another origin: the class and property completers ask the local endpoint instead of the
// Linked Open Vocabularies API, the endpoint is fixed, and data IRIs link to this server's pages.
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('sparql-config').textContent);
  if (!window.Yasgui) return;
  const Yasqe = window.Yasgui.Yasqe;
  const Yasr = window.Yasgui.Yasr;
  const endpoint = new URL(config.endpoint, window.location.href).href;
  const textarea = document.getElementById('query');
  document.body.classList.add('js');

  // Links: a data IRI under the configured base opens its page on this server.
  function localHref(iri) {
    return iri.startsWith(config.dataBase) ? config.dataPath + iri.slice(config.dataBase.length) : iri;
  }
  const byLength = Object.entries(config.prefixes).sort((a, b) => b[1].length - a[1].length);
  function shorten(iri) {
    for (const [prefix, namespace] of byLength) {
      if (iri.startsWith(namespace) && iri.length > namespace.length) return prefix + ':' + iri.slice(namespace.length);
    }
    return null;
  }

  // Completion: the project's prefixes first, then the list bundled with Yasqe (prefix.cc, no request).
  const projectPrefixes = Object.entries(config.prefixes).map(([p, ns]) => p + ': <' + ns + '>');
  Yasqe.forkAutocompleter('prefixes', {
    name: 'project-prefixes',
    persistenceId: null,
    get: (yasqe, token) => Yasqe.Autocompleters.prefixes.get(yasqe, token).then(bundled => {
      const ours = new Set(projectPrefixes.map(line => line.split(':')[0]));
      return projectPrefixes.concat(bundled.filter(line => !ours.has(line.split(':')[0])));
    }),
  }, false);

  function sparqlString(text) {
    return '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
  }
  function localTerms(pattern, token) {
    const start = (token && token.autocompletionString) || '';
    const query = 'SELECT DISTINCT ?term WHERE { ' + pattern + ' FILTER (isIRI(?term) && STRSTARTS(STR(?term), ' +
      sparqlString(start) + ')) } ORDER BY ?term LIMIT 100';
    const body = new URLSearchParams({ query: query });
    return fetch(endpoint, { method: 'POST', body: body, headers: { Accept: 'application/sparql-results+json' } })
      .then(response => response.ok ? response.json() : { results: { bindings: [] } })
      .then(data => data.results.bindings.map(b => b.term.value))
      .catch(() => []);
  }
  Yasqe.forkAutocompleter('class', { name: 'local-class', get: (y, t) => localTerms('[] a ?term .', t) }, false);
  Yasqe.forkAutocompleter('property', { name: 'local-property', get: (y, t) => localTerms('[] ?term [] .', t) },
    false);

  // The table: IRIs shortened with the project's prefixes, data IRIs linked to their page here.
  const BaseTable = Yasr.plugins.table;
  class LocalTable extends BaseTable {
    getUriLinkFromBinding(binding, prefixes) {
      const iri = binding.value;
      const short = shorten(iri);
      const a = document.createElement('a');
      a.className = 'iri';
      a.href = localHref(iri);
      a.textContent = short || iri;
      a.title = iri;
      if (a.getAttribute('href') === iri) {
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
      }
      return short || this.persistentConfig.compact ? a.outerHTML : '&lt;' + a.outerHTML + '&gt;';
    }
  }
  Yasr.registerPlugin('table', LocalTable);
  Yasr.registerPlugin('chart', window.CoworkChart);

  const yasqe = new Yasqe(document.getElementById('editor'), {
    value: textarea.value,
    persistenceId: null,
    autocompleters: ['project-prefixes', 'variables', 'local-class', 'local-property'],
    requestConfig: {
      endpoint: endpoint,
      method: 'POST',
      acceptHeaderSelect: 'application/sparql-results+json',
      acceptHeaderGraph: 'text/turtle',
    },
    createShareableLink: y => permalink(y.getValue()),
    consumeShareLink: null,
    editorHeight: '22rem',
  });
  const yasr = new Yasr(document.getElementById('results'), {
    persistenceId: null,
    prefixes: config.prefixes,
    pluginOrder: ['table', 'chart', 'response'],
    defaultPlugin: 'table',
    // Long IRIs wrap instead of being cut: a cut cell takes a first click to expand, and links should open at once.
    plugins: { table: { enabled: true, dynamicConfig: { isEllipsed: false } } },
  });
  window.coworkSparql = { yasqe: yasqe, yasr: yasr };

  function permalink(query) {
    return '/sparql?' + new URLSearchParams({ query: query }).toString();
  }
  function updateLinks() {
    const query = yasqe.getValue();
    textarea.value = query;
    document.getElementById('permalink').href = permalink(query);
    for (const fmt of ['csv', 'json']) {
      document.getElementById('download-' + fmt).href = '/sparql?' + new URLSearchParams({ format: fmt, query: query });
    }
  }
  yasqe.on('change', updateLinks);
  updateLinks();

  const summary = document.getElementById('summary');
  yasqe.on('query', () => { summary.textContent = 'In corso… / running…'; });
  yasqe.on('queryResponse', (y, response, duration) => {
    yasr.setResponse(response, duration);
    const seconds = (duration / 1000).toFixed(3) + ' s';
    if (response instanceof Error || !response.ok) {
      summary.textContent = 'Errore / error · ' + seconds;
      summary.dataset.rows = '';
      return;
    }
    const bindings = yasr.results && yasr.results.getBindings();
    let text = bindings ? bindings.length + (bindings.length === 1 ? ' riga / row' : ' righe / rows') : 'Risposta / answer';
    text += ' · ' + seconds;
    if (response.headers && response.headers.get('X-Result-Truncated') === 'true') {
      text += ' · tagliati a / cut at ' + config.maxResults;
    }
    summary.textContent = text;
    summary.dataset.rows = bindings ? String(bindings.length) : '';
    window.history.replaceState(null, '', permalink(y.getValue()));
  });

  function run() {
    updateLinks();
    yasqe.query().catch(() => {});
  }
  document.getElementById('form').addEventListener('submit', ev => { ev.preventDefault(); run(); });
  document.querySelectorAll('.example').forEach(a => a.addEventListener('click', ev => {
    ev.preventDefault();
    yasqe.setValue(a.dataset.query);
    run();
    document.getElementById('editor').scrollIntoView({ block: 'start' });
  }));

  // A permalink (or a page the server already answered) runs its query straight away.
  const answered = document.getElementById('answer');
  if (answered) answered.remove();
  if (answered || new URLSearchParams(window.location.search).has('query')) run();
})();
