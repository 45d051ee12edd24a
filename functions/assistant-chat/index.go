package assistantchat

import (
	"math"
	"sort"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/money"
)

// Product is an active catalog product as the assistant grounds on it.
type Product struct {
	ID          int64
	Name        string
	SKU         string
	Category    string
	Description string
	Price       money.Cents
	Stock       int64
}

// Field weights of BM25F-style scoring: a word in the name or the SKU says more about a product than
// one in its description.
const (
	weightName        = 3
	weightSKU         = 3
	weightCategory    = 2
	weightDescription = 1

	bm25K1 = 1.2
	bm25B  = 0.75
)

// Index ranks products by relevance to a question: Okapi BM25 over each product's name, SKU,
// category and description (weighted by field), with stemming and the trade's synonyms. Built once per
// catalog load; safe for concurrent use (read-only after NewIndex).
type Index struct {
	products []Product
	tf       []map[string]float64 // per product: weighted term frequency
	length   []float64            // per product: weighted length
	avgLen   float64
	df       map[string]int
	synonyms map[string][]string
}

// NewIndex indexes the products.
func NewIndex(products []Product) *Index {
	stem := stemmer{}
	ix := &Index{products: products, df: map[string]int{}, synonyms: synonyms()}
	var total float64
	for _, p := range products {
		tf := map[string]float64{}
		add := func(text string, w float64) {
			for _, t := range stem.terms(text) {
				tf[t] += w
			}
		}
		add(p.Name, weightName)
		add(strings.ReplaceAll(p.SKU, "-", " ")+" "+strings.ToLower(p.SKU), weightSKU)
		tf[strings.ToLower(p.SKU)] += weightSKU
		add(p.Category, weightCategory)
		add(p.Description, weightDescription)
		var n float64
		for t, f := range tf {
			n += f
			ix.df[t]++
		}
		ix.tf = append(ix.tf, tf)
		ix.length = append(ix.length, n)
		total += n
	}
	if len(products) > 0 {
		ix.avgLen = total / float64(len(products))
	}
	return ix
}

// Query is a weighted bag of terms.
type Query map[string]float64

// Add adds text's terms with weight w, and their synonyms with w * synonymWeight (a term already in
// the query keeps its larger weight).
func (ix *Index) Add(q Query, text string, w float64) {
	for _, t := range terms(text) {
		q[t] = math.Max(q[t], w)
	}
	// Exact SKUs typed as written ("PLD-TH640-RAD") match the SKU term itself.
	for _, f := range strings.Fields(strings.ToLower(text)) {
		f = strings.Trim(f, ".,;:!?()\"'")
		if ix.df[f] > 0 && strings.Contains(f, "-") {
			q[f] = math.Max(q[f], w)
		}
	}
	for _, t := range terms(text) {
		for _, s := range ix.synonyms[t] {
			q[s] = math.Max(q[s], w*synonymWeight)
		}
	}
}

// Hit is a ranked product.
type Hit struct {
	Product Product
	Score   float64
}

// Scores returns each product's BM25 score for q, in the index's product order.
func (ix *Index) Scores(q Query) []float64 {
	n := float64(len(ix.products))
	out := make([]float64, len(ix.products))
	for i := range ix.products {
		var score float64
		for t, w := range q {
			f := ix.tf[i][t]
			if f == 0 {
				continue
			}
			idf := math.Log(1 + (n-float64(ix.df[t])+0.5)/(float64(ix.df[t])+0.5))
			score += w * idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*ix.length[i]/ix.avgLen))
		}
		out[i] = score
	}
	return out
}

// top returns at most k products with a positive score, best first (ties by id).
func (ix *Index) top(scores []float64, k int) []Hit {
	var hits []Hit
	for i, s := range scores {
		if s > 0 {
			hits = append(hits, Hit{Product: ix.products[i], Score: s})
		}
	}
	sort.Slice(hits, func(a, b int) bool {
		if hits[a].Score != hits[b].Score {
			return hits[a].Score > hits[b].Score
		}
		return hits[a].Product.ID < hits[b].Product.ID
	})
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits
}

// Search returns at most k products with a positive score for q, best first.
func (ix *Index) Search(q Query, k int) []Hit { return ix.top(ix.Scores(q), k) }

// Knows reports whether the catalog uses the term (or one of its synonyms): the on-topic signal of
// the guardrail.
func (ix *Index) Knows(t string) bool {
	if ix.df[t] > 0 {
		return true
	}
	for _, s := range ix.synonyms[t] {
		if ix.df[s] > 0 {
			return true
		}
	}
	return false
}
