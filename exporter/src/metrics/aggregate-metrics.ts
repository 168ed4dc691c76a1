import { Counter, Gauge, Registry } from 'prom-client';
import type { AggregateContext, Section } from '../sections/section.js';

type Resettable = Gauge | Counter;

/**
 * The platform aggregates as Prometheus metrics, built from the sections' metric definitions.
 * Rendered once per snapshot: a scrape then costs a string copy, not a registry walk.
 */
export class AggregateMetrics {
  private readonly registry = new Registry();
  private readonly bySection: Array<{ section: Section; metrics: Array<{ metric: Resettable; index: number }> }>;

  constructor(sections: readonly Section[]) {
    this.bySection = sections.map((section) => ({
      section,
      metrics: section.metrics.map((definition, index) => {
        const options = { name: definition.name, help: definition.help, labelNames: definition.labelNames ?? [], registers: [this.registry] };
        const metric = definition.type === 'counter' ? new Counter(options) : new Gauge(options);
        return { metric, index };
      }),
    }));
  }

  /** Sets every metric from one refresh's results and returns the exposition text. */
  async render(resultsBySection: ReadonlyMap<string, unknown>, context: AggregateContext): Promise<string> {
    for (const { section, metrics } of this.bySection) {
      const results = resultsBySection.get(section.name);
      for (const { metric, index } of metrics) {
        metric.reset(); // a label value gone from the data (an integration type) must disappear
        for (const sample of section.metrics[index]!.samples(results as never, context)) {
          if (metric instanceof Counter) metric.inc(sample.labels ?? {}, sample.value);
          else metric.set(sample.labels ?? {}, sample.value);
        }
      }
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
