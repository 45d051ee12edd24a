package workflowgateway

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// ProbeTimeout bounds each component probe.
const ProbeTimeout = 5 * time.Second

// slowAfter is the latency above which a reachable component is degraded.
const slowAfter = 2 * time.Second

// Component statuses (component_snapshots.status).
const (
	componentUp       = "up"
	componentDegraded = "degraded"
	componentDown     = "down"
)

// Probe is a component checked over HTTP: reachable (any answer below 500) is up, a 5xx or a slow
// answer degraded, no answer (refused, timeout) down.
type Probe struct {
	Component string // e.g. "apm"
	Type      string // e.g. "apm-collector"
	URL       string
}

// ProbesFromEnv returns the configured HTTP probes: the APM collector (OCTO_APM_ENDPOINT), Vault
// (OCTO_VAULT_ENDPOINT, else the secrets endpoint of OCTO_OCI_REGION) and GenAI
// (OCTO_GENAI_ENDPOINT). Components not configured are not probed.
func ProbesFromEnv(getenv func(string) string) []Probe {
	var out []Probe
	add := func(component, typ, url string) {
		if url = strings.TrimSpace(url); url != "" {
			out = append(out, Probe{Component: component, Type: typ, URL: url})
		}
	}
	add("apm", "apm-collector", getenv("OCTO_APM_ENDPOINT"))
	vault := getenv("OCTO_VAULT_ENDPOINT")
	if strings.TrimSpace(vault) == "" {
		if region := strings.TrimSpace(getenv("OCTO_OCI_REGION")); region != "" {
			vault = "https://secrets.vaults." + region + ".oci.oraclecloud.com"
		}
	}
	add("vault", "oci-vault", vault)
	add("genai", "oci-genai", getenv("OCTO_GENAI_ENDPOINT"))
	return out
}

// Snapshot is one component's state at a sweep (a component_snapshots row).
type Snapshot struct {
	ID        int64          `json:"id"`
	RunID     int64          `json:"run_id"`
	Component string         `json:"component"`
	Type      string         `json:"type"`
	Status    string         `json:"status"`
	LatencyMS int64          `json:"latency_ms"`
	Details   map[string]any `json:"details"`
	CreatedAt time.Time      `json:"created_at"`
}

// dbProbeSQL is the database round trip.
const dbProbeSQL = `SELECT 1 FROM dual`

// insertSnapshotSQL records one snapshot, linked to its run.
const insertSnapshotSQL = `INSERT INTO component_snapshots (workflow_run_id, component, component_type, status, latency_ms, details, created_at)
VALUES (:1, :2, :3, :4, :5, :6, :7) RETURNING id INTO :8`

// probeAll checks the database and every configured HTTP probe concurrently.
func (s *Service) probeAll(ctx context.Context) []Snapshot {
	out := make([]Snapshot, 1+len(s.opts.Probes))
	var wg sync.WaitGroup
	wg.Go(func() { out[0] = s.probeDB(ctx) })
	for i, p := range s.opts.Probes {
		wg.Go(func() { out[i+1] = s.probeHTTP(ctx, p) })
	}
	wg.Wait()
	return out
}

func (s *Service) probeDB(ctx context.Context) Snapshot {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	start := time.Now()
	var one int64
	err := s.db.QueryRowContext(ctx, dbProbeSQL).Scan(&one)
	return judge(Snapshot{Component: "database", Type: "database", Details: map[string]any{}}, time.Since(start), 0, err)
}

func (s *Service) probeHTTP(ctx context.Context, p Probe) Snapshot {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	snap := Snapshot{Component: p.Component, Type: p.Type, Details: map[string]any{"url": p.URL}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
	if err != nil {
		return judge(snap, 0, 0, err)
	}
	start := time.Now()
	res, err := s.opts.HTTPClient.Do(req)
	elapsed := time.Since(start)
	code := 0
	if err == nil {
		code = res.StatusCode
		_ = res.Body.Close()
	}
	return judge(snap, elapsed, code, err)
}

// judge sets a snapshot's status and latency from a probe's outcome (code 0: not HTTP).
func judge(s Snapshot, elapsed time.Duration, code int, err error) Snapshot {
	s.LatencyMS = max(0, elapsed.Milliseconds())
	if code != 0 {
		s.Details["http_status"] = code
	}
	switch {
	case err != nil:
		s.Status = componentDown
		s.Details["error"] = db.CutBytes(err.Error(), 500)
	case code >= 500:
		s.Status = componentDegraded
	case elapsed > slowAfter:
		s.Status = componentDegraded
		s.Details["slow"] = true
	default:
		s.Status = componentUp
	}
	return s
}

func recordSnapshot(ctx context.Context, tx db.DBTX, r Run, s *Snapshot, now time.Time) error {
	s.RunID = r.ID
	s.CreatedAt = now.UTC().Truncate(time.Millisecond)
	details, err := json.Marshal(s.Details)
	if err != nil {
		return err
	}
	id, err := db.InsertReturningID(ctx, tx, insertSnapshotSQL, r.ID, s.Component, s.Type, s.Status, s.LatencyMS, string(details), s.CreatedAt)
	if err != nil {
		return err
	}
	s.ID = id
	return nil
}
