// Live charts of the metrics topic. The server pushes server-sent events on /events: `reset` (clear everything),
// one `window` event per metrics record (the history first, then each new one), `synced` after the history.
// Field names are those of the metrics topic's wire class, MetricsRecord (connectors); its schema is
// connectors/src/test/resources/wire/embedstream.metrics.schema.json, and DashboardScriptKeysTest checks that this
// script reads only keys the schema names.
'use strict';
(function () {
  Chart.defaults.animation = false;
  Chart.defaults.font.size = 11;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.elements.line.borderWidth = 1.5;

  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];
  const ALARM_KINDS = ['EFFECTIVE_RANK_COLLAPSE', 'CODING_RATE_DROP', 'DATA_DRIFT', 'VERSION_DRIFT',
    'LABEL_SHIFT', 'CLASS_DRIFT'];
  const MAX_TABLE_ROWS = 500;

  const clock = v => new Date(v).toLocaleTimeString('en-GB', {hour12: false});
  const axisTitle = text => ({display: true, text});
  const num = v => (typeof v === 'number' && Number.isFinite(v)) ? v : undefined;
  const fmt = v => (typeof v === 'number') ? (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4)) : String(v);

  // Log axes: label 1, 2 and 5 times a power of ten only, in short form, so that labels do not run together.
  const logTick = v => {
    const mantissa = v / Math.pow(10, Math.floor(Math.log10(v)));
    return [1, 2, 5].some(k => Math.abs(mantissa - k) < 1e-6) ? String(Number(v.toPrecision(3))) : '';
  };
  const logAxis = title => ({type: 'logarithmic', ticks: {callback: logTick}, title: axisTitle(title)});

  // Lines are drawn without points, except a first point alone, which would otherwise not show at all.
  const lonePoint = ctx => ctx.dataset.data.length === 1 ? 2.5 : 0;

  function timeAxis() {
    return {type: 'linear', ticks: {callback: clock, maxTicksLimit: 8, maxRotation: 0}};
  }

  function pointTitle(items) {
    const p = items.length ? items[0].raw : null;
    if (!p) {
      return '';
    }
    let title = clock(p.x) + '  window ' + p.w + '  step ' + p.s;
    if (p.vt !== undefined) {
      title += '  v' + p.vf + ' → v' + p.vt;
    }
    return title;
  }

  // A line chart over time. series: [{label, get(ctx) -> the value, axis?, stepped?, points?}]; a value that is not a
  // finite number (a figure the window could not compute) is no point.
  function timeChart(id, series, axes) {
    const scales = {x: timeAxis()};
    for (const [name, cfg] of Object.entries(axes)) {
      scales[name] = Object.assign({position: name === 'y' ? 'left' : 'right',
        grid: {drawOnChartArea: name === 'y'}}, cfg);
    }
    const datasets = series.map((s, i) => ({
      label: s.label, data: [], yAxisID: s.axis || 'y', stepped: s.stepped || false,
      borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length],
      pointRadius: s.points ? 2.5 : lonePoint, pointHoverRadius: 4,
    }));
    const chart = new Chart(document.getElementById(id), {
      type: 'line',
      data: {datasets},
      options: {
        responsive: true, maintainAspectRatio: false,
        interaction: {mode: 'nearest', axis: 'x', intersect: false},
        scales,
        plugins: {tooltip: {callbacks: {title: pointTitle}}},
      },
    });
    return {chart, series};
  }

  const seriesCharts = [
    timeChart('collapse', [
      {label: 'effective rank', get: c => num(c.m['collapse.effective_rank'])},
      {label: 'coding rate', axis: 'y1', get: c => num(c.m['collapse.coding_rate'])},
    ], {y: {beginAtZero: true, title: axisTitle('effective rank')}, y1: {title: axisTitle('coding rate')}}),
    timeChart('norm-quality', [
      {label: 'Spearman(norm, quality)', get: c => num(c.m['norms.quality_spearman'])},
      {label: 'mean quality', get: c => num(c.r.quality && c.r.quality.mean)},
      {label: 'mean norm', axis: 'y1', get: c => num(c.m['norms.mean'])},
    ], {y: {min: -1, max: 1, title: axisTitle('correlation / quality')}, y1: {title: axisTitle('norm')}}),
    timeChart('separation', [
      {label: 'NC1', get: c => num(c.m['separation.nc1'])},
      {label: 'min centroid cosine distance', axis: 'y1', get: c => num(c.m['separation.min_centroid_cosine_distance'])},
      {label: 'intra/inter distance ratio', axis: 'y1', get: c => num(c.m['separation.intra_inter_ratio'])},
    ], {y: logAxis('NC1'), y1: {beginAtZero: true, title: axisTitle('distance')}}),
    timeChart('data-drift', [
      {label: 'MMD²', points: true, get: c => num(c.m['drift.mmd2'])},
      {label: 'p-value', axis: 'y1', points: true, get: c => num(c.m['drift.p_value'])},
    // p-values on a fixed log axis: the drift alarm fires at small ones (alpha 0.01 by default).
    ], {y: {title: axisTitle('MMD²')}, y1: Object.assign(logAxis('p-value'), {min: 0.001, max: 1})}),
    timeChart('version-drift', [
      {label: 'linear CKA', points: true, get: c => c.vd && num(c.vd['version.cka'])},
      {label: 'kNN@10 overlap', points: true, get: c => c.vd && num(c.vd['version.knn_overlap'])},
      {label: 'centroid shift', points: true, get: c => c.vd && num(c.vd['version.centroid_shift'])},
    ], {y: {min: 0, title: axisTitle('similarity / shift')}}),
    timeChart('versions', [
      {label: 'model version', stepped: true, get: c => num(c.r.model_version)},
      {label: 'training step', axis: 'y1', get: c => num(c.r.step)},
    ], {y: {beginAtZero: true, ticks: {precision: 0}, title: axisTitle('version')},
      y1: {beginAtZero: true, title: axisTitle('step')}}),
  ];

  // Loss components: one dataset per key of the records' `loss` object, added as keys appear.
  const loss = timeChart('loss', [], {y: logAxis('loss (window mean)')});

  const spectrum = new Chart(document.getElementById('spectrum'), {
    type: 'line',
    data: {labels: [], datasets: [
      {label: 'latest window', data: [], borderColor: PALETTE[0], backgroundColor: PALETTE[0], pointRadius: 0},
      {label: 'first window', data: [], borderColor: PALETTE[7], backgroundColor: PALETTE[7], pointRadius: 0,
        borderDash: [4, 3]},
    ]},
    options: {
      responsive: true, maintainAspectRatio: false,
      interaction: {mode: 'index', intersect: false},
      scales: {x: {title: axisTitle('index (largest first)'), ticks: {maxTicksLimit: 12}},
        y: logAxis('singular value')},
    },
  });

  const alarmPoint = (state, color, style) => ({label: state.toLowerCase(), data: [], pointStyle: style,
    pointRadius: 7, pointHoverRadius: 9, borderColor: color, backgroundColor: color, showLine: false});
  const alarms = new Chart(document.getElementById('alarms'), {
    type: 'scatter',
    data: {datasets: [alarmPoint('RAISED', '#d62728', 'triangle'), alarmPoint('CLEARED', '#2ca02c', 'circle')]},
    options: {
      responsive: true, maintainAspectRatio: false,
      scales: {x: timeAxis(), y: {type: 'category', labels: ALARM_KINDS.slice(), offset: true}},
      plugins: {tooltip: {callbacks: {title: pointTitle, label: i => i.raw.y + ' ' + i.raw.state + ': ' + i.raw.reason}}},
    },
  });

  const timeCharts = seriesCharts.map(c => c.chart).concat([loss.chart, alarms]);
  const allCharts = timeCharts.concat([spectrum]);

  const state = {records: 0, synced: false, source: '', lastVersionDrift: null, firstSpectrum: null,
    xMin: Infinity, xMax: -Infinity, latest: null};
  window.dashboard = {state, charts: Object.fromEntries(allCharts.map(c => [c.canvas.id, c]))};

  function reset(info) {
    for (const chart of allCharts) {
      for (const d of chart.data.datasets) {
        d.data = [];
      }
    }
    for (const chart of timeCharts) {
      delete chart.options.scales.x.min;
      delete chart.options.scales.x.max;
    }
    loss.chart.data.datasets = [];
    loss.series.length = 0;
    spectrum.data.labels = [];
    alarms.options.scales.y.labels = ALARM_KINDS.slice();
    document.querySelector('#alarm-events tbody').replaceChildren();
    Object.assign(state, {records: 0, synced: false, source: info.source || '', lastVersionDrift: null,
      firstSpectrum: null, xMin: Infinity, xMax: -Infinity, latest: null});
    document.getElementById('source').textContent = state.source;
  }

  function spectrumOf(m) {
    const values = [];
    for (let i = 0; ('collapse.spectrum.' + i) in m; i++) {
      values.push(m['collapse.spectrum.' + i]);
    }
    return values;
  }

  function apply(r) {
    const t = Date.parse(r.time) || Date.now();
    const m = r.metrics || {};
    const base = {x: t, w: r.window, s: r.step};
    // Model-version drift repeats in every window until the next version: plot each comparison once.
    let vd = null;
    if (r.version_drift && r.version_drift.to_version !== state.lastVersionDrift) {
      vd = r.version_drift;
      state.lastVersionDrift = vd.to_version;
    }
    const ctx = {r, m, vd};
    for (const {chart, series} of seriesCharts) {
      series.forEach((s, i) => {
        const y = num(s.get(ctx));
        if (y !== undefined) {
          const p = Object.assign({y}, base);
          if (vd) {
            Object.assign(p, {vf: vd.from_version, vt: vd.to_version});
          }
          chart.data.datasets[i].data.push(p);
        }
      });
    }
    for (const [key, value] of Object.entries(r.loss || {})) {
      if (num(value) === undefined) {
        continue;
      }
      let i = loss.series.indexOf(key);
      if (i < 0) {
        i = loss.series.push(key) - 1;
        const color = PALETTE[i % PALETTE.length];
        loss.chart.data.datasets.push({label: key, data: [], borderColor: color, backgroundColor: color,
          pointRadius: lonePoint, pointHoverRadius: 4});
      }
      loss.chart.data.datasets[i].data.push(Object.assign({y: value}, base));
    }
    const values = spectrumOf(m);
    if (values.length) {
      state.firstSpectrum = state.firstSpectrum || values;
      spectrum.data.labels = values.map((_, i) => i + 1);
      spectrum.data.datasets[0].data = values;
      spectrum.data.datasets[1].data = state.firstSpectrum;
    }
    for (const a of r.alarms || []) {
      const kinds = alarms.options.scales.y.labels;
      if (!kinds.includes(a.kind)) {
        kinds.push(a.kind);
      }
      alarms.data.datasets[a.state === 'RAISED' ? 0 : 1].data.push(
        Object.assign({y: a.kind, state: a.state, reason: a.reason}, base));
      addAlarmRow(t, r, a);
    }
    // The promotion gate's decisions travel as notes ("gate: version 9 rejected (serving 7): <reason>").
    for (const note of r.notes || []) {
      if (note.startsWith('gate: ')) {
        const text = note.slice('gate: '.length);
        const verdict = text.includes(' promoted') ? 'PROMOTED'
          : (text.includes('rolled back') ? 'ROLLBACK' : 'REJECTED');
        addAlarmRow(t, r, {kind: 'GATE', state: verdict, reason: text});
      }
    }
    state.xMin = Math.min(state.xMin, t);
    state.xMax = Math.max(state.xMax, t);
    state.latest = r;
    state.records++;
  }

  function addAlarmRow(t, r, a) {
    const row = document.createElement('tr');
    for (const [text, cls] of [[clock(t)], [r.window], [r.step], [a.kind], [a.state, a.state], [a.reason]]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      if (cls) {
        cell.className = cls;
      }
      row.appendChild(cell);
    }
    const body = document.querySelector('#alarm-events tbody');
    body.insertBefore(row, body.firstChild);
    while (body.rows.length > MAX_TABLE_ROWS) {
      body.deleteRow(body.rows.length - 1);
    }
  }

  function showHeader() {
    const r = state.latest;
    document.getElementById('windows').textContent = state.records;
    if (!r) {
      return;
    }
    document.getElementById('step').textContent = r.step;
    document.getElementById('version').textContent = r.model_version;
    document.getElementById('rate').textContent = fmt(r.images_per_second);
    const serving = (r.metrics || {})['gate.serving_version'];
    document.getElementById('serving').textContent = serving === undefined ? '–' : serving;
    const active = document.getElementById('active-alarms');
    active.replaceChildren();
    for (const kind of r.active_alarms || []) {
      const badge = document.createElement('span');
      badge.className = 'badge alarm';
      badge.textContent = kind;
      active.appendChild(badge);
    }
    if (!active.childElementCount) {
      active.innerHTML = '<b>none</b>';
    }
  }

  // Records are applied in batches and the charts redrawn once per batch: a history of thousands of windows
  // arrives in one burst.
  let pending = [];
  let timer = null;

  function flush() {
    timer = null;
    const batch = pending;
    pending = [];
    batch.forEach(apply);
    if (state.records > 0) {
      // All time axes show the same span, so that a mark on one lines up with the others; one window alone
      // gets a minute around it.
      const pad = state.xMin < state.xMax ? 0 : 30000;
      for (const chart of timeCharts) {
        chart.options.scales.x.min = state.xMin - pad;
        chart.options.scales.x.max = state.xMax + pad;
      }
    }
    allCharts.forEach(c => c.update('none'));
    showHeader();
  }

  const connection = document.getElementById('connection');
  const events = new EventSource('/events');
  events.addEventListener('open', () => {
    connection.textContent = 'live';
    connection.className = 'badge live';
  });
  events.addEventListener('error', () => {
    connection.textContent = 'reconnecting';
    connection.className = 'badge off';
  });
  events.addEventListener('reset', e => {
    pending = [];
    reset(JSON.parse(e.data));
    flush();
  });
  events.addEventListener('window', e => {
    pending.push(JSON.parse(e.data));
    if (timer === null) {
      timer = setTimeout(flush, 100);
    }
  });
  events.addEventListener('synced', () => {
    if (timer !== null) {
      clearTimeout(timer);
    }
    flush();
    state.synced = true;
  });
})();
