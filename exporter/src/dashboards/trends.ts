import type { MetricDefinition, Section } from '../sections/section.js';

/** One PromQL query of a trend panel. */
export interface TrendQuery {
  expr: string;
  legendFormat: string;
}

/** A Prometheus time series panel: how a section's figures moved over the dashboard's time range. */
export interface Trend {
  title: string;
  description: string;
  /** A Grafana unit id, or 'currency' for the platform currency. */
  unit: string;
  /** Stack the series: for parts of one whole (users by plan), so the top line is the total. */
  stacked: boolean;
  queries: TrendQuery[];
}

/*
 * Curated trends of the current sections. Every exporter metric is a platform-wide figure and a
 * deployment runs one exporter target, so `sum by (<label>)` only folds labels away.
 *
 * kewhats_messages is a gauge of all-time totals recomputed from the database, not a counter:
 * a retention job deleting rows lowers it, which rate() would misread as a counter reset. Its
 * slope is taken with deriv() instead and clamped at zero (as the alert rules do with delta()).
 */
const CURATED_TRENDS: Readonly<Record<string, readonly Trend[]>> = {
  dashboard: [
    {
      title: 'Messages per minute',
      description:
        'New messages per minute by kind (incoming, sent, failed): the 5-minute slope of the all-time message totals, clamped at zero.',
      unit: 'short',
      stacked: false,
      queries: [{ expr: 'sum by (kind) (clamp_min(deriv(kewhats_messages[5m]), 0)) * 60', legendFormat: '{{kind}}' }],
    },
    {
      title: 'API traffic',
      description: 'Requests made with API keys per second, incoming and outgoing (5-minute rate).',
      unit: 'reqps',
      stacked: false,
      queries: [{ expr: 'sum by (direction) (rate(kewhats_api_requests_total[5m]))', legendFormat: '{{direction}}' }],
    },
    {
      title: 'Revenue of the current month',
      description: 'Paid revenue of the running calendar month as it accrued; it restarts at zero when a month begins.',
      unit: 'currency',
      stacked: false,
      queries: [{ expr: 'sum by (currency) (kewhats_revenue_current_month)', legendFormat: '{{currency}}' }],
    },
  ],
  users: [
    {
      title: 'Users by plan over time',
      description: 'Registered users per plan, stacked: the top line is the total.',
      unit: 'short',
      stacked: true,
      queries: [{ expr: 'sum by (plan) (kewhats_users)', legendFormat: '{{plan}}' }],
    },
    {
      title: 'Users by role over time',
      description: 'Registered users per role.',
      unit: 'short',
      stacked: false,
      queries: [{ expr: 'sum by (role) (kewhats_users)', legendFormat: '{{role}}' }],
    },
  ],
  connections: [
    {
      title: 'Connected devices over time',
      description: 'WhatsApp devices with a live connection.',
      unit: 'short',
      stacked: false,
      queries: [{ expr: 'sum(kewhats_devices{status="connected"})', legendFormat: 'connected' }],
    },
    {
      title: 'Devices by status over time',
      description: 'WhatsApp devices per connection status (connecting includes QR pending), stacked: the top line is the total.',
      unit: 'short',
      stacked: true,
      queries: [{ expr: 'sum by (status) (kewhats_devices)', legendFormat: '{{status}}' }],
    },
  ],
  integrations: [
    {
      title: 'Integrations by type over time',
      description: 'Integrations per type (the most common types; the rest as "other"), stacked: the top line is the total.',
      unit: 'short',
      stacked: true,
      queries: [{ expr: 'sum by (type) (kewhats_integrations)', legendFormat: '{{type}}' }],
    },
  ],
  chatbots: [
    {
      title: 'Active chatbot sessions over time',
      description: 'Chatbot conversations still open with activity in the last 30 minutes.',
      unit: 'short',
      stacked: false,
      queries: [{ expr: 'sum(kewhats_chatbot_sessions_active)', legendFormat: 'active sessions' }],
    },
    {
      title: 'Chatbots by status over time',
      description: 'Chatbots active and inactive, stacked: the top line is the total.',
      unit: 'short',
      stacked: true,
      queries: [{ expr: 'sum by (status) (kewhats_chatbots)', legendFormat: '{{status}}' }],
    },
  ],
  broadcasts: [
    {
      title: 'Broadcasts by status over time',
      description: 'Broadcasts per status over time (not stacked, so a growing "failed" line stands out).',
      unit: 'short',
      stacked: false,
      queries: [{ expr: 'sum by (status) (kewhats_broadcasts)', legendFormat: '{{status}}' }],
    },
  ],
  contacts: [
    {
      title: 'Contacts over time',
      description: 'Contacts kept by all users, and those with a non-blank email.',
      unit: 'short',
      stacked: false,
      queries: [
        { expr: 'sum(kewhats_contacts)', legendFormat: 'contacts' },
        { expr: 'sum(kewhats_contacts_with_email)', legendFormat: 'with email' },
      ],
    },
  ],
  webhooks: [
    {
      title: 'Webhooks by state over time',
      description: 'Webhooks active and inactive, stacked: the top line is the total.',
      unit: 'short',
      stacked: true,
      queries: [{ expr: 'sum by (state) (kewhats_webhooks)', legendFormat: '{{state}}' }],
    },
  ],
};

/** A plain chart of one metric: what a section without curated trends gets for free. */
export function defaultTrend(metric: MetricDefinition<unknown>): Trend {
  const labels = metric.labelNames ?? [];
  const sum = (inner: string) => (labels.length > 0 ? `sum by (${labels.join(', ')}) (${inner})` : `sum(${inner})`);
  const legendFormat = labels.length > 0 ? labels.map((label) => `{{${label}}}`).join(' ') : metric.name.replace(/^kewhats_/, '');
  const help = metric.help.replace(/\.$/, '');
  if (metric.type === 'counter') {
    return {
      title: `${help} per second`,
      description: `${help}: per-second rate over 5 minutes.`,
      unit: 'short',
      stacked: false,
      queries: [{ expr: sum(`rate(${metric.name}[5m])`), legendFormat }],
    };
  }
  return {
    title: `${help} over time`,
    description: `${help}.`,
    unit: 'short',
    stacked: false,
    queries: [{ expr: sum(metric.name), legendFormat }],
  };
}

/** The trend panels of a section's dashboard: curated ones, else one chart per metric it exposes. */
export function sectionTrends(section: Section): readonly Trend[] {
  return CURATED_TRENDS[section.name] ?? section.metrics.map((metric) => defaultTrend(metric as MetricDefinition<unknown>));
}
