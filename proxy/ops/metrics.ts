// A tiny Prometheus registry: counters, gauges and histograms with labels, rendered in the text
// exposition format. Small enough to read in one sitting; the proxy needs nothing more.

type Labels = Record<string, string>;

interface Metric {
  render(): string[];
}

function labelText(labels: Labels, extra: Labels = {}): string {
  const all = { ...labels, ...extra };
  const parts = Object.entries(all).map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

function header(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
}

export class Counter implements Metric {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(readonly name: string, private readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }

  render(): string[] {
    const lines = [...this.values.values()].map(({ labels, value }) => `${this.name}${labelText(labels)} ${value}`);
    return [...header(this.name, this.help, 'counter'), ...lines];
  }
}

/** A gauge reads its value when scraped, so it can never go stale. */
export class Gauge implements Metric {
  constructor(readonly name: string, private readonly help: string, private readonly read: () => number) {}

  render(): string[] {
    return [...header(this.name, this.help, 'gauge'), `${this.name} ${this.read()}`];
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(readonly name: string, private readonly help: string, private readonly buckets: readonly number[]) {}

  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    const entry = this.series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((bound, i) => {
      if (value <= bound) entry.counts[i]! += 1;
    });
    entry.sum += value;
    entry.count += 1;
    this.series.set(key, entry);
  }

  render(): string[] {
    const lines: string[] = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      this.buckets.forEach((bound, i) => lines.push(`${this.name}_bucket${labelText(labels, { le: String(bound) })} ${counts[i]}`));
      lines.push(`${this.name}_bucket${labelText(labels, { le: '+Inf' })} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${sum}`, `${this.name}_count${labelText(labels)} ${count}`);
    }
    return [...header(this.name, this.help, 'histogram'), ...lines];
  }
}

export class Registry {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string): Counter {
    return this.add(name, new Counter(name, help));
  }

  gauge(name: string, help: string, read: () => number): Gauge {
    return this.add(name, new Gauge(name, help, read));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(name, new Histogram(name, help, buckets));
  }

  render(): string {
    return `${[...this.metrics.values()].flatMap((metric) => metric.render()).join('\n')}\n`;
  }

  private add<M extends Metric>(name: string, metric: M): M {
    if (this.metrics.has(name)) throw new Error(`metric ${name} is registered twice`);
    this.metrics.set(name, metric);
    return metric;
  }
}
