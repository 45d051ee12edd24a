package analyticsrollup

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/common/auth"
	"github.com/oracle/oci-go-sdk/v65/monitoring"
)

// MetricsNamespace is the OCI Monitoring namespace of the KPIs the rollup posts.
const MetricsNamespace = "octo_analytics"

// kpis are the totals of the last complete hour posted as custom metrics (named with "_" for ".").
var kpis = []string{mOrders, mRevenue, mSessions, mCartSessions, mFunnelOrders, mDelivered, mLeads, mEvents}

// Publisher receives the totals of the last hour a run completed.
type Publisher interface {
	Publish(ctx context.Context, hour time.Time, totals map[string]float64) error
}

// OCIMetrics posts the KPIs to OCI Monitoring (PostMetricData on the telemetry-ingestion endpoint)
// with the function's resource principal, in the function's own compartment (the principal's
// res_compartment claim). Terraform's policy lets the database functions use metrics in the
// octo_analytics namespace only.
type OCIMetrics struct {
	client      monitoring.MonitoringClient
	compartment string
}

// NewOCIMetrics builds the client once per container; endpoint overrides the service's (tests).
func NewOCIMetrics(endpoint string) (*OCIMetrics, error) {
	provider, err := auth.ResourcePrincipalConfigurationProvider()
	if err != nil {
		return nil, fmt.Errorf("analytics metrics: resource principal: %w", err)
	}
	// A principal without the claim does not stop the function (its routes need none of this): each
	// scheduled run's post fails instead, and the function's error alarm reports it.
	claim, _ := provider.GetClaim(auth.CompartmentOCIDClaimKey)
	compartment, _ := claim.(string)
	client, err := monitoring.NewMonitoringClientWithConfigurationProvider(provider)
	if err != nil {
		return nil, fmt.Errorf("analytics metrics: new client: %w", err)
	}
	client.Host = strings.Replace(client.Host, "://telemetry.", "://telemetry-ingestion.", 1)
	if endpoint != "" {
		client.Host = endpoint
	}
	policy := common.NoRetryPolicy()
	client.SetCustomClientConfiguration(common.CustomClientConfiguration{RetryPolicy: &policy})
	return &OCIMetrics{client: client, compartment: compartment}, nil
}

// Publish posts one datapoint per KPI, stamped with the hour's start.
func (o *OCIMetrics) Publish(ctx context.Context, hour time.Time, totals map[string]float64) error {
	if o.compartment == "" {
		return fmt.Errorf("analytics metrics: the resource principal names no compartment (claim %s)", auth.CompartmentOCIDClaimKey)
	}
	ns := MetricsNamespace
	at := common.SDKTime{Time: hour}
	var data []monitoring.MetricDataDetails
	for _, k := range kpis {
		name := strings.ReplaceAll(k, ".", "_")
		v := totals[k]
		data = append(data, monitoring.MetricDataDetails{Namespace: &ns, CompartmentId: &o.compartment, Name: &name,
			Dimensions: map[string]string{"granularity": "hour"}, Datapoints: []monitoring.Datapoint{{Timestamp: &at, Value: &v}}})
	}
	res, err := o.client.PostMetricData(ctx, monitoring.PostMetricDataRequest{
		PostMetricDataDetails: monitoring.PostMetricDataDetails{MetricData: data}})
	if err != nil {
		if se, ok := common.IsServiceError(err); ok {
			return fmt.Errorf("analytics metrics: HTTP %d %s", se.GetHTTPStatusCode(), se.GetCode())
		}
		return fmt.Errorf("analytics metrics: %w", err)
	}
	if res.FailedMetricsCount != nil && *res.FailedMetricsCount > 0 {
		return fmt.Errorf("analytics metrics: %d of %d metrics refused", *res.FailedMetricsCount, len(data))
	}
	return nil
}

// totals returns the KPIs of a bucket.
func (a *agg) totals() map[string]float64 {
	out := map[string]float64{}
	for _, m := range a.metrics() {
		if m.Dimension == all {
			if v, err := strconv.ParseFloat(m.Value, 64); err == nil {
				out[m.Metric] = v
			}
		}
	}
	return out
}
