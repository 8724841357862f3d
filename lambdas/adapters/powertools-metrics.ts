import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DeliveryFigures, DeliveryMetrics } from '../core/metrics';
import { METRIC_NAMES } from '../core/metrics';
import { readMetricsNamespace } from '../config';

/**
 * Delivery metrics in CloudWatch's embedded metric format, through Powertools Metrics: one EMF line on
 * stdout per invocation (CloudWatch Logs extracts the metrics; no API call, no latency). The namespace
 * comes from POWERTOOLS_METRICS_NAMESPACE, the `service` dimension from the caller.
 */
export class PowertoolsDeliveryMetrics implements DeliveryMetrics {
  private readonly metrics: Metrics;

  constructor(serviceName: string, namespace = readMetricsNamespace()) {
    this.metrics = new Metrics({ namespace, serviceName });
  }

  publish(figures: DeliveryFigures): void {
    try {
      const m = this.metrics;
      m.addMetric(METRIC_NAMES.delivered, MetricUnit.Count, figures.delivered);
      m.addMetric(METRIC_NAMES.gone, MetricUnit.Count, figures.gone);
      m.addMetric(METRIC_NAMES.failed, MetricUnit.Count, figures.failed);
      m.addMetric(METRIC_NAMES.fanoutDuration, MetricUnit.Milliseconds, figures.durationMs);
      if (figures.queuedBatches !== undefined) m.addMetric(METRIC_NAMES.queuedBatches, MetricUnit.Count, figures.queuedBatches);
      if (figures.retriedBatches !== undefined) m.addMetric(METRIC_NAMES.retriedBatches, MetricUnit.Count, figures.retriedBatches);
      m.publishStoredMetrics();
    } catch {
      // Metrics must never fail a delivery.
    }
  }
}
