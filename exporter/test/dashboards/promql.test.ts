import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exposedMetricNames, isExposed, metricNames, withRangeWindow } from './support/promql.js';

// The metric-name check of live-queries.test.ts is only as good as this lexer.
describe('PromQL metric names', () => {
  test('selectors, not functions, label names, label values, keywords or durations', () => {
    assert.deepEqual(metricNames('sum by (kind) (clamp_min(deriv(kewhats_messages{kind=~"sent|failed"}[5m]), 0)) * 60'), ['kewhats_messages']);
    assert.deepEqual(metricNames('sum without (kind) (rate(kewhats_api_requests_total[5m]))'), ['kewhats_api_requests_total']);
    assert.deepEqual(metricNames('time() - kewhats_exporter_last_refresh_success_timestamp_seconds > 300'), [
      'kewhats_exporter_last_refresh_success_timestamp_seconds',
    ]);
    assert.deepEqual(
      metricNames(
        'kewhats_devices{status="connected"} < 0.7 * (kewhats_devices{status="connected"} offset 30m) and on () (kewhats:jakarta_business_hours == bool 1)',
      ),
      ['kewhats:jakarta_business_hours', 'kewhats_devices'],
    );
    assert.deepEqual(metricNames('hour(vector(time() + 7 * 3600)) >= bool 8'), []);
    assert.deepEqual(metricNames('histogram_quantile(0.95, sum by (le) (rate(kewhats_exporter_refresh_duration_seconds_bucket[5m])))'), [
      'kewhats_exporter_refresh_duration_seconds_bucket',
    ]);
    assert.deepEqual(metricNames('a / ignoring(x) group_left(y) b unless up'), ['a', 'b', 'up']);
    assert.deepEqual(metricNames('kewhats_users{plan="pro", role=\'admin\'} + 1e3 + Inf'), ['kewhats_users']);
  });

  test('range windows are replaced, everything else kept', () => {
    assert.equal(
      withRangeWindow('deriv(kewhats_messages{kind="sent"}[5m]) + rate(x[1h]) + y offset 5m', '10s'),
      'deriv(kewhats_messages{kind="sent"}[10s]) + rate(x[10s]) + y offset 5m',
    );
    assert.equal(withRangeWindow('sum(kewhats_contacts)', '10s'), 'sum(kewhats_contacts)');
  });

  test('exposed names: families, samples and histogram series; not a made-up name', () => {
    const exposed = exposedMetricNames(
      [
        '# HELP kewhats_devices Devices.',
        '# TYPE kewhats_devices gauge',
        'kewhats_devices{status="connected"} 3',
        '# TYPE kewhats_integrations gauge',
        '# TYPE kewhats_exporter_refresh_duration_seconds histogram',
        'kewhats_exporter_refresh_duration_seconds_bucket{le="+Inf"} 1',
        '',
      ].join('\n'),
    );
    assert.ok(isExposed('kewhats_devices', exposed));
    assert.ok(isExposed('kewhats_integrations', exposed), 'a family without samples yet');
    assert.ok(isExposed('kewhats_exporter_refresh_duration_seconds_sum', exposed));
    assert.ok(isExposed('kewhats_exporter_refresh_duration_seconds_count', exposed));
    assert.ok(!isExposed('kewhats_device', exposed));
    assert.ok(!isExposed('kewhats_devices_count', exposed), 'a gauge has no _count series');
  });
});
