import { describe, expect, it } from 'vitest';
import { Registry } from '../../proxy/ops/metrics.js';

describe('metrics registry', () => {
  it('renders counters, gauges and cumulative histograms in the Prometheus text format', () => {
    const registry = new Registry();
    const blocks = registry.counter('blocks_total', 'Blocks by reason.');
    blocks.inc({ reason: 'bsn-column' });
    blocks.inc({ reason: 'bsn-column' });
    blocks.inc({ reason: 'say "hi"\\now' });
    let queue = 3;
    registry.gauge('queue', 'Queued files.', () => queue);
    const latency = registry.histogram('scan_seconds', 'Scan time.', [0.1, 1]);
    latency.observe(0.05);
    latency.observe(0.5);
    latency.observe(5);
    queue = 4;
    expect(registry.render()).toBe(
      [
        '# HELP blocks_total Blocks by reason.',
        '# TYPE blocks_total counter',
        'blocks_total{reason="bsn-column"} 2',
        'blocks_total{reason="say \\"hi\\"\\\\now"} 1',
        '# HELP queue Queued files.',
        '# TYPE queue gauge',
        'queue 4',
        '# HELP scan_seconds Scan time.',
        '# TYPE scan_seconds histogram',
        'scan_seconds_bucket{le="0.1"} 1',
        'scan_seconds_bucket{le="1"} 2',
        'scan_seconds_bucket{le="+Inf"} 3',
        'scan_seconds_sum 5.55',
        'scan_seconds_count 3',
        '',
      ].join('\n'),
    );
  });

  it('refuses to register a name twice', () => {
    const registry = new Registry();
    registry.counter('x', 'x');
    expect(() => registry.gauge('x', 'x', () => 0)).toThrow(/registered twice/);
  });
});
