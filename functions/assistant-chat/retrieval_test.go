package assistantchat

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
)

// evalCase is one labelled question of testdata/retrieval_eval.json: the SKUs a good answer cites,
// and the customer's earlier messages in the session when the question depends on them.
type evalCase struct {
	Question string   `json:"question"`
	History  []string `json:"history"`
	Relevant []string `json:"relevant"`
}

func loadEval(t testing.TB) []evalCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/retrieval_eval.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []evalCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// seededIndex indexes the seeded catalog read through the function's own statement.
func seededIndex(t testing.TB) *Index {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	products, err := loadCatalog(context.Background(), d.DB)
	if err != nil {
		t.Fatal(err)
	}
	return NewIndex(products)
}

// evaluate returns recall@5 (the mean over the cases of the share of relevant SKUs among the top 5
// retrieved), precision (the mean share of cited products that are relevant: a reply
// citing five products for a one-product question scores 0.2) and the misses.
func evaluate(ix *Index, cases []evalCase) (recall, precision float64, misses []string) {
	var sum, psum float64
	for _, c := range cases {
		var got []string
		for _, h := range retrieve(ix, c.Question, "", c.History) {
			got = append(got, h.Product.SKU)
		}
		found := 0
		for _, sku := range c.Relevant {
			if slices.Contains(got, sku) {
				found++
			}
		}
		sum += float64(found) / float64(len(c.Relevant))
		if len(got) > 0 {
			psum += float64(found) / float64(len(got))
		}
		if found < len(c.Relevant) {
			misses = append(misses, c.Question+" -> "+jsonString(got))
		}
	}
	return sum / float64(len(cases)), psum / float64(len(cases)), misses
}

func jsonString(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestRecallAt5OnTheEvaluationSetIsAtLeast90Percent(t *testing.T) {
	cases := loadEval(t)
	if len(cases) < 30 {
		t.Fatalf("evaluation set has %d questions, want at least 30", len(cases))
	}
	recall, precision, misses := evaluate(seededIndex(t), cases)
	for _, m := range misses {
		t.Log("miss: " + m)
	}
	t.Logf("precision of the cited products = %.3f", precision)
	if recall < 0.9 {
		t.Fatalf("recall@5 = %.3f, want >= 0.9", recall)
	}
	t.Logf("recall@5 = %.3f over %d questions", recall, len(cases))
}

func TestSynonymsStemmingAndHistoryFindTheProduct(t *testing.T) {
	ix := seededIndex(t)
	for _, tc := range []struct {
		name, question string
		history        []string
		want           string
	}{
		{"synonym heat finds thermal", "heat camera", nil, "PLD-TH640-RAD"},
		{"synonym cellular finds LTE", "cellular link", nil, "CTL-LNK-4G"},
		{"synonym GPS finds GNSS", "GPS base", nil, "CTL-RTK-B2"},
		{"stemming inspections finds inspection", "inspections of pipelines", nil, "DRN-H6-INS"},
		{"SKU as written", "PLD-MS5-AGR", nil, "PLD-MS5-AGR"},
		{"history names the drone", "which battery fits it?", []string{"tell me about the AgriSpray A10"}, "BAT-AGR-30K"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits := retrieve(ix, tc.question, "", tc.history)
			if len(hits) == 0 || hits[0].Product.SKU != tc.want {
				var got []string
				for _, h := range hits {
					got = append(got, h.Product.SKU)
				}
				t.Fatalf("top hits %v, want %s first", got, tc.want)
			}
		})
	}
}

// BenchmarkRetrieval is make bench-assistant: recall@5 on the evaluation set and the latency of one
// retrieval (query building and scoring the whole seeded catalog), p50 and p99.
func BenchmarkRetrieval(b *testing.B) {
	cases := loadEval(b)
	ix := seededIndex(b)
	recall, precision, _ := evaluate(ix, cases)
	var samples []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c := cases[i%len(cases)]
		start := time.Now()
		retrieve(ix, c.Question, "", c.History)
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	b.ReportMetric(recall, "recall@5")
	b.ReportMetric(precision, "precision")
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(samples[len(samples)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkNewIndex builds the index of the seeded catalog, as the first chat of every cold start
// does (and each catalog reload after).
func BenchmarkNewIndex(b *testing.B) {
	d := dbtest.Open(b, dbtest.Options{Seed: true})
	products, err := loadCatalog(context.Background(), d.DB)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(products)
	}
}
