/**
 * The browser-side script of the HTML report, as text: reads the embedded JSON and draws
 * the charts with uPlot (inlined beside it). Plain ES2017 so any current browser runs it.
 * Event markers and the recommended point are drawn in uPlot `draw` hooks; the threshold,
 * baseline and recommendation are series so they appear in the legend.
 */
export const CLIENT_JS = String.raw`(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('gclip-data').textContent);
  var COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  var EVENT = { spike: { color: '#d98c00', glyph: '\u25B2' }, updateRatio: { color: '#2ca02c', glyph: '\u25B3' }, lossSpike: { color: '#e377c2', glyph: '\u25C7' }, divergence: { color: '#9c27b0', glyph: '\u25C6' }, nonfinite: { color: '#d62728', glyph: '\u2716' }, rollback: { color: '#17a2b8', glyph: '\u21BA' }, injected: { color: '#1f5fbf', glyph: '\u21AF' } };
  var charts = [];
  function fmt(v) {
    if (v == null) return '';
    if (!isFinite(v)) return String(v);
    var a = Math.abs(v);
    return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(2) : String(+v.toPrecision(4));
  }
  function ticks(u, vals) { return vals.map(fmt); }
  function chartWidth(el) { return Math.max(320, Math.min(1100, (el.clientWidth || 900) - 10)); }
  function markerHook(marks) {
    return function (u) {
      var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height, px = window.devicePixelRatio || 1;
      ctx.save();
      ctx.font = (13 * px) + 'px sans-serif';
      ctx.textAlign = 'center';
      marks.forEach(function (m) {
        var x = Math.round(u.valToPos(m.step, 'x', true));
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        var st = EVENT[m.kind] || { color: '#555', glyph: '\u2022' };
        ctx.globalAlpha = 0.4; ctx.strokeStyle = st.color; ctx.lineWidth = px; ctx.setLineDash([4 * px, 3 * px]);
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke();
        ctx.globalAlpha = 1; ctx.setLineDash([]); ctx.fillStyle = st.color;
        ctx.fillText(st.glyph, x, top + 13 * px);
      });
      ctx.restore();
    };
  }
  function plot(id, opts, data) {
    var el = document.getElementById(id);
    if (!el) return;
    opts.width = chartWidth(el);
    opts.height = opts.height || 300;
    charts.push({ u: new uPlot(opts, data, el), el: el, id: id });
  }
  function series(label, color, extra) {
    var s = { label: label, stroke: color, width: 1.5, value: function (u, v) { return v == null ? '\u2014' : fmt(v); } };
    for (var k in extra) s[k] = extra[k];
    return s;
  }
  function axes(xLabel, yLabel) {
    return [{ label: xLabel, values: ticks }, { label: yLabel, values: ticks, size: 70 }];
  }
  function runCharts(c, onsets) {
    var marks = c.events.map(function (e) { return { step: e.step, kind: e.kind }; });
    plot('chart-loss', {
      scales: { x: { time: false }, y: { distr: c.lossLog ? 3 : 1 } },
      axes: axes('step', c.lossLog ? 'loss (log scale)' : 'loss'),
      series: [{ label: 'step' }, series('loss', COLORS[0])],
      hooks: { draw: [markerHook(marks)] }
    }, [c.steps, c.loss]);
    var s = [{ label: 'step' }, series('pre-clip norm', COLORS[1]), series('post-clip norm', COLORS[0])];
    var d = [c.steps, c.preClipNorm, c.postClipNorm];
    if (c.threshold) { s.push(series('clip threshold', '#9c27b0', { dash: [8, 5], width: 2 })); d.push(c.threshold); }
    plot('chart-norm', {
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: axes('step', 'gradient norm (log scale)'),
      series: s,
      hooks: { draw: [markerHook(marks)] }
    }, d);
    if (c.updateRatio) {
      plot('chart-update', {
        scales: { x: { time: false }, y: { distr: 3 } },
        axes: axes('step', 'update/weight ratio (log scale)'),
        series: [{ label: 'step' }, series('largest layer \u2016\u0394w\u2016/\u2016w\u2016', '#2ca02c')],
        hooks: { draw: [markerHook(marks)] }
      }, [c.steps, c.updateRatio]);
    }
    if (!c.layers) return;
    var ls = [{ label: 'step' }], ld = [c.layers.steps];
    c.layers.names.forEach(function (n, j) { ls.push(series(n, COLORS[j % COLORS.length])); ld.push(c.layers.norms[j]); });
    var anchors = onsets.map(function (o) { return { step: o.step, kind: o.kind }; });
    plot('chart-layers', {
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: axes('step', 'per-layer pre-clip norm (log scale)'),
      series: ls,
      hooks: { draw: [markerHook(anchors)] }
    }, ld);
  }
  function sweepChart(c) {
    var xs = [];
    c.series.forEach(function (s) { s.thresholds.forEach(function (t) { if (xs.indexOf(t) < 0) xs.push(t); }); });
    xs.sort(function (a, b) { return a - b; });
    var s = [{ label: 'max norm' }], d = [xs];
    c.series.forEach(function (ser, j) {
      s.push(series('final loss: ' + ser.strategy, COLORS[j % COLORS.length], { points: { show: true, size: 8 }, spanGaps: true }));
      d.push(xs.map(function (t) { var i = ser.thresholds.indexOf(t); return i < 0 ? null : ser.finalLoss[i]; }));
    });
    if (c.baselineLoss != null) {
      s.push(series('unclipped baseline', '#7f7f7f', { dash: [8, 5] }));
      d.push(xs.map(function () { return c.baselineLoss; }));
    }
    var rec = c.recommended;
    if (rec && rec.finalLoss != null) {
      s.push(series('recommended (max norm ' + fmt(rec.threshold) + ')', '#2ca02c', { paths: function () { return null; }, points: { show: true, size: 16, fill: '#2ca02c', stroke: '#145a14' } }));
      d.push(xs.map(function (t) { return t === rec.threshold ? rec.finalLoss : null; }));
    }
    var hook = function (u) {
      if (!rec) return;
      var px = window.devicePixelRatio || 1, x = u.valToPos(rec.threshold, 'x', true), ctx = u.ctx;
      ctx.save(); ctx.fillStyle = '#145a14'; ctx.font = 'bold ' + (13 * px) + 'px sans-serif'; ctx.textAlign = 'center';
      ctx.fillText('\u2605 recommended ' + fmt(rec.threshold), x, u.bbox.top + 14 * px);
      ctx.restore();
    };
    plot('chart-sweep', {
      scales: { x: { time: false, distr: 3 }, y: { distr: c.lossLog ? 3 : 1 } },
      axes: axes('clip threshold (max norm, log scale)', c.lossLog ? 'final loss (log scale)' : 'final loss'),
      series: s,
      hooks: { draw: [hook] }
    }, d);
  }
  if (D.kind === 'run') runCharts(D.chart, D.onsets); else sweepChart(D.chart);
  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.u.setSize({ width: chartWidth(c.el), height: c.u.height }); });
  });
  // What was drawn, for tests and for anyone poking at the page: axis labels live on the canvas.
  window.gclipCharts = charts.map(function (c) {
    return { id: c.id, points: c.u.data[0].length, series: c.u.series.slice(1).map(function (s) { return s.label; }), axes: c.u.axes.map(function (a) { return a.label; }) };
  });
  document.body.setAttribute('data-charts-ready', String(charts.length));
})();
`;
