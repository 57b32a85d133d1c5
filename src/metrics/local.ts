/**
 * @module The local sink (`npm run dev`, the tests, the benches): Analytics Engine has no local
 * emulation, so each point is POSTed as JSON to the local stack's metrics collector
 * (`dev/metrics-collector.ts`), which keeps them for tests and benches to read.
 */
import type { MetricsSink } from './types.ts';

export const localSink = (collectorUrl: string): MetricsSink => ({
  async write(point) {
    const response = await fetch(collectorUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(point),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`collector answered ${response.status}`);
  },
});
