/** @module The benchmark's outputs: a Markdown table with the targets, and an SVG chart. */

export type ScenarioResult = {
  name: string;
  what: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  dbRequestsPerRequest: number;
  statementsPerRequest: number;
  redisRequestsPerRequest: number;
  peakBackends: number;
};

export type Target = { name: string; met: boolean; measured: string };

export type BenchReport = {
  date: string;
  machine: string;
  settings: { dbRttMs: number; redisRttMs: number; poolSize: number; quick: boolean; durationSeconds: number; connections: number };
  scenarios: ScenarioResult[];
  targets: Target[];
};

const fixed = (n: number, digits = 2) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
const ratio = (n: number) => (n === 0 ? '0' : n < 0.01 ? n.toFixed(4) : n.toFixed(2));

export function markdown(report: BenchReport): string {
  const s = report.settings;
  const rows = report.scenarios.map(
    (r) =>
      `| ${r.name} | ${r.what} | ${Math.round(r.rps)} | ${fixed(r.p50, 1)} | ${fixed(r.p99, 1)} | ${r.errors} | ${ratio(r.dbRequestsPerRequest)} | ${ratio(r.statementsPerRequest)} | ${ratio(r.redisRequestsPerRequest)} | ${r.peakBackends} | ${r.requests} |`,
  );
  return [
    `Measured ${report.date} on ${report.machine}; database RTT ${s.dbRttMs} ms, Redis RTT ${s.redisRttMs} ms (injected), proxy pool ${s.poolSize}, ${s.connections} connections, ${s.durationSeconds} s per scenario${s.quick ? ' (--quick)' : ''}.`,
    '',
    '| scenario | what | req/s | p50 ms | p99 ms | errors | DB req/req | statements/req | Redis req/req | peak PG backends | requests |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '| target | measured | |',
    '| --- | --- | --- |',
    ...report.targets.map((t) => `| ${t.name} | ${t.measured} | ${t.met ? 'met' : '**missed**'} |`),
    '',
  ].join('\n');
}

/** Two bar charts side by side: latency (p50 and p99) and throughput, per scenario. */
export function svgChart(report: BenchReport): string {
  const rows = report.scenarios;
  const rowHeight = 26;
  const top = 40;
  const labelWidth = 110;
  const barWidth = 300;
  const height = top + rows.length * rowHeight + 30;
  const maxLatency = Math.max(...rows.map((r) => r.p99), 1);
  const maxRps = Math.max(...rows.map((r) => r.rps), 1);
  const escapeXml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const bars = rows
    .map((r, i) => {
      const y = top + i * rowHeight;
      const p50 = (r.p50 / maxLatency) * barWidth;
      const p99 = (r.p99 / maxLatency) * barWidth;
      const rps = (r.rps / maxRps) * barWidth;
      const x2 = labelWidth + barWidth + 150;
      return `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeXml(r.name)}</text>
<rect x="${labelWidth}" y="${y + 2}" width="${p99.toFixed(1)}" height="16" fill="#93c5fd"/><rect x="${labelWidth}" y="${y + 2}" width="${p50.toFixed(1)}" height="16" fill="#1d4ed8"/>
<text x="${labelWidth + Math.max(p99, 0) + 4}" y="${y + 15}">${fixed(r.p50, 1)} / ${fixed(r.p99, 1)} ms</text>
<rect x="${x2}" y="${y + 2}" width="${rps.toFixed(1)}" height="16" fill="#16a34a"/><text x="${x2 + rps + 4}" y="${y + 15}">${Math.round(r.rps)}/s</text>`;
    })
    .join('\n');
  const width = labelWidth + barWidth * 2 + 260;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${labelWidth}" y="20" font-weight="bold">latency p50 (dark) / p99 (light), ms</text>
<text x="${labelWidth + barWidth + 150}" y="20" font-weight="bold">throughput, requests/s</text>
${bars}
<text x="8" y="${height - 8}" fill="#555">${escapeXml(`${report.date} · ${report.machine} · DB RTT ${report.settings.dbRttMs} ms, Redis RTT ${report.settings.redisRttMs} ms`)}</text>
</svg>
`;
}
