/**
 * @module Reporting a point: one JSON log line (Workers Logs indexes its fields) and the sink,
 * both after the answer. A sink that fails is logged and otherwise ignored: metrics never fail a request.
 */
import type { MetricPoint, MetricsSink } from './types.ts';

/** Rounds durations to 0.1 ms: the line stays short and the value honest (timers are coarse in Workers). */
const rounded = (point: MetricPoint): MetricPoint => ({ ...point, durationMs: Math.round(point.durationMs * 10) / 10 });

/** Logs `point` as one JSON object and writes it to `sink`; never rejects. */
export async function reportPoint(point: MetricPoint, sink: MetricsSink | undefined): Promise<void> {
  const line = rounded(point);
  console.log(JSON.stringify(line));
  if (!sink) return;
  try {
    await sink.write(line);
  } catch (error) {
    console.warn(`metrics sink failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
